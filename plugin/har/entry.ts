// One traffic event as one HAR 1.2 entry: the URL rebuilt from the Host (or :authority) and the
// request target, headers without HTTP/2 pseudo-headers, cookies and query parameters parsed out,
// bodies as the event kept them (a cut one says so in `comment`), the event's timings.
import type { CapturedBody, TrafficEvent } from '../tunnel/types.js';
import type { HarContent, HarEntry, HarNameValue, HarPostData } from './types.js';

export function pairsOf(flat: readonly string[] | undefined): HarNameValue[] {
  const out: HarNameValue[] = [];
  if (!flat) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) if (!flat[i].startsWith(':')) out.push({ name: flat[i], value: flat[i + 1] });
  return out;
}

function flatValue(flat: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i].toLowerCase() === name) return flat[i + 1];
  return undefined;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export function queryOf(target: string): HarNameValue[] {
  const q = target.indexOf('?');
  if (q < 0) return [];
  const hash = target.indexOf('#', q);
  return target.slice(q + 1, hash < 0 ? undefined : hash).split('&').filter((p) => p !== '').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? { name: decode(pair), value: '' } : { name: decode(pair.slice(0, eq)), value: decode(pair.slice(eq + 1)) };
  });
}

function requestCookies(headers: readonly string[]): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i].toLowerCase() !== 'cookie') continue;
    for (const part of headers[i + 1].split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) out.push({ name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
    }
  }
  return out;
}

function responseCookies(headers: readonly string[]): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i].toLowerCase() !== 'set-cookie') continue;
    const first = headers[i + 1].split(';')[0];
    const eq = first.indexOf('=');
    if (eq > 0) out.push({ name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim() });
  }
  return out;
}

/** The request's absolute URL; a proxy-style target is one already. */
export function urlOf(target: string, headers: readonly string[]): string {
  if (/^https?:\/\//i.test(target)) return target;
  const host = flatValue(headers, ':authority') ?? flatValue(headers, 'host') ?? 'localhost';
  const scheme = flatValue(headers, ':scheme') ?? 'http';
  return `${scheme}://${host}${target.startsWith('/') ? target : `/${target}`}`;
}

function cutNote(body: CapturedBody | undefined, size: number): string | undefined {
  if (!body) return size > 0 ? `body of ${size} bytes not recorded` : undefined;
  if (!body.truncated) return undefined;
  const kept = body.encoding === 'base64' ? Buffer.from(body.text, 'base64').length : Buffer.byteLength(body.text);
  return `body cut: the first ${kept} of ${size} bytes are kept`;
}

function postData(e: TrafficEvent, headers: readonly string[]): HarPostData | undefined {
  const body = e.requestBody;
  if (!body && e.bytesIn === 0) return undefined;
  const note = e.requestCut ? 'body cut by the agent: a mirror copies only the first bytes of a request' : cutNote(body, e.bytesIn);
  return {
    mimeType: body?.mimeType ?? flatValue(headers, 'content-type') ?? '',
    text: body?.text ?? '',
    ...(body?.encoding ? { _encoding: body.encoding } : {}),
    ...(note ? { comment: note } : {}),
  };
}

function content(e: TrafficEvent, headers: readonly string[]): HarContent {
  const body = e.responseBody;
  const note = cutNote(body, e.bytesOut);
  return {
    size: e.bytesOut,
    mimeType: body?.mimeType ?? flatValue(headers, 'content-type') ?? '',
    ...(body ? { text: body.text } : {}),
    ...(body?.encoding ? { encoding: body.encoding } : {}),
    ...(note ? { comment: note } : {}),
  };
}

/** HTTP/1.1 or HTTP/2.0, as HAR writes the version. */
function versionText(v: string | undefined): string {
  return v ? `HTTP/${v}` : 'HTTP/1.1';
}

/** The event as a HAR entry; undefined for raw TCP, which has no request to record. */
export function harEntry(e: TrafficEvent, unmasked = false): HarEntry | undefined {
  if (e.method === undefined) return undefined;
  const secrets = unmasked ? e.secrets : undefined;
  const target = secrets?.path ?? e.path ?? '/';
  const reqHeaders = secrets?.requestHeaders ?? e.requestHeaders ?? [];
  const resHeaders = secrets?.responseHeaders ?? e.responseHeaders ?? [];
  const timings = e.timings ?? { send: 0, wait: e.durationMs, receive: 0 };
  const post = postData(e, reqHeaders);
  const httpVersion = versionText(e.httpVersion);
  return {
    startedDateTime: new Date(e.start).toISOString(),
    time: Math.round((timings.send + timings.wait + timings.receive) * 1000) / 1000,
    request: {
      method: e.method,
      url: urlOf(target, reqHeaders),
      httpVersion,
      cookies: requestCookies(reqHeaders),
      headers: pairsOf(reqHeaders),
      queryString: queryOf(target),
      ...(post ? { postData: post } : {}),
      headersSize: -1,
      bodySize: e.bytesIn,
    },
    response: {
      status: e.status ?? 0,
      statusText: e.statusText ?? '',
      httpVersion,
      cookies: responseCookies(resHeaders),
      headers: pairsOf(resHeaders),
      content: content(e, resHeaders),
      redirectURL: flatValue(resHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: e.bytesOut,
    },
    cache: {},
    timings,
    ...(e.error ? { comment: `no complete answer: ${e.error}` } : e.mirror ? { comment: 'a mirrored copy: the caller was answered by the cluster, not by this answer' } : {}),
    _pod: e.pod,
    ...(e.mirror ? { _mirror: true as const } : {}),
  };
}
