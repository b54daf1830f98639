// HTTP's own lexical rules, shared by everyone who checks a name or a value: the match model, the
// agent's HTTP/1 relay, the answers it writes and the HAR reader.

/** A token (RFC 9110 §5.6.2 tchar): header names and methods. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What may never stand in a field value sent on: it would end the field or the head (RFC 9110 §5.5). */
export const FIELD_BREAK = /[\r\n\0]/;
