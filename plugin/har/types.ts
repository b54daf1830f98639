// The parts of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) this tool writes and
// reads back. Fields starting with `_` are ours, as the spec allows custom fields to be.

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarPostData {
  mimeType: string;
  text: string;
  /** HAR 1.2 has no encoding for posted data (1.3 proposes one): ours, so binary survives. */
  _encoding?: 'base64';
  comment?: string;
}

export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
  comment?: string;
}

export interface HarTimings {
  send: number;
  wait: number;
  receive: number;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: HarPostData;
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    content: HarContent;
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: HarTimings;
  comment?: string;
  /** The pod whose agent sent the request to this machine. */
  _pod?: string;
  /** A copy of a request the cluster answered (--mirror). */
  _mirror?: true;
}

export interface HarLog {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    comment?: string;
    /** Where the intercept sent requests on this machine: `replay`'s default `--to`. */
    _localTarget?: string;
    entries: HarEntry[];
  };
}
