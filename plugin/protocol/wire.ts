// The tunnel's wire protocol between the agent and the CLI's client side (docs/dataplane.md).
// Node standard library only: the agent bundles this file; the tunnel, engine and UI import it.

import type { Match } from './matcher.js';

/** Protocol version sent in hello; bumped on incompatible changes. */
export const PROTOCOL_VERSION = 1;

/**
 * Paths of the HTTP/2 streams the agent opens toward the client (on the tunnel the agent is the
 * HTTP/2 client, so it opens every stream; an outbound connection the client asks for with `dial`
 * arrives as an `outbound` stream once the agent has connected).
 */
export const streamPaths = {
  control: '/intercept/control',
  http1: '/intercept/http1',
  h2: '/intercept/h2',
  upgrade: '/intercept/upgrade',
  tcp: '/intercept/tcp',
  outbound: '/intercept/outbound',
} as const;

/** Header carrying a stream's metadata (base64 of UTF-8 JSON, so any header byte survives). */
export const META_HEADER = 'x-intercept-meta';
/** Trailer carrying HTTP trailers (base64 JSON flat raw list); always sent, possibly empty. */
export const TRAILERS_HEADER = 'x-intercept-trailers';

/**
 * HTTP/2 flow control on the tunnel and toward h2 apps: a per-stream window bounds the memory one
 * large body can pin in the agent; the connection window lets several streams run at full speed.
 */
export const STREAM_WINDOW = 2 * 1024 * 1024;
export const SESSION_WINDOW = 16 * 1024 * 1024;

export type Protocol = 'http1' | 'h2' | 'ws' | 'tcp';

export interface Registration {
  /** Chosen by the client; unique per client. */
  id: string;
  /** The app port (or the agent port fronting it) to intercept. */
  port: number;
  match: Match;
  /** A copy of each matching request, answered by whoever answers it anyway (DESIGN decision 12). */
  mirror?: boolean;
}

/** Sent by the agent on every traffic stream. */
export interface RequestMeta {
  registration: string;
  port: number;
  protocol: Protocol;
  /** Address of the caller as the agent saw it. */
  remote: string;
  method?: string;
  path?: string;
  httpVersion?: string;
  /** Flat [name, value, name, value...] list, as received (HTTP/2 includes pseudo headers). */
  rawHeaders?: string[];
  /** A mirrored copy: its answer is read and dropped by the agent; the body may be cut (see MIRROR_BODY_LIMIT). */
  mirror?: boolean;
}

/** The most of a request body a mirror copy carries; the rest is cut (the trailer says so). */
export const MIRROR_BODY_LIMIT = 256 * 1024;
/** Trailer set to "1" on a mirror copy whose body was cut. */
export const TRUNCATED_TRAILER = 'x-intercept-truncated';

/** Sent by the client in the response headers of an HTTP traffic stream. */
export interface ResponseMeta {
  status: number;
  statusMessage?: string;
  rawHeaders: string[];
}

/** Sent by the agent on an outbound stream: which dial it answers and the address it connected to. */
export interface OutboundMeta {
  rid: number;
  /** The resolved peer, `ip:port` (IPv6 in brackets). */
  address: string;
}

/** Why a dial failed: the socket error's code where there is one (ENOTFOUND, ECONNREFUSED...). */
export type DialErrorCode = 'ECONNREFUSED' | 'ENOTFOUND' | 'ETIMEDOUT' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'EINVAL' | 'ELIMIT' | string;

export type ClientMessage =
  /**
   * `intercept`: the intercept's name, as listed in the agent's Secret (INTERCEPT_EXPECTED_FILE):
   * a new agent holds its ports until the intercepts listed there have registered.
   */
  | { t: 'hello'; token: string; client: string; version: number; intercept?: string }
  | { t: 'register'; rid: number; reg: Registration }
  | { t: 'unregister'; rid: number; id: string }
  | { t: 'stats'; rid: number }
  /** Asks the agent to connect to host:port from the pod (names resolved by the pod's resolver). */
  | { t: 'dial'; rid: number; host: string; port: number };

export interface PortCounts {
  agentPort: number;
  appPort: number;
  /** Non-HTTP connections passed through untouched (their bytes are not parsed). */
  passthroughConnections: number;
  /** HTTP requests/streams that matched no registration and went to the app. */
  passthroughRequests: number;
  intercepted: number;
  /** Mirror copies sent, and those dropped because the client's queue was full. */
  mirrored?: number;
  mirrorDropped?: number;
}

export type AgentMessage =
  | { t: 'welcome'; agent: string; env: Record<string, string>; ports: { agentPort: number; appPort: number }[] }
  | { t: 'refused'; reason: string }
  | { t: 'reply'; rid: number; ok: boolean; error?: string; code?: DialErrorCode; counts?: PortCounts[] };

export function encodeMeta(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

export function decodeMeta<T>(value: string | string[] | undefined): T | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Splits a byte stream into JSON lines; calls onMessage for each complete line. */
export function lineReader<T>(onMessage: (msg: T) => void): (chunk: Buffer) => void {
  let pending = '';
  return function onChunk(chunk: Buffer) {
    pending += chunk.toString('utf8');
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim() !== '') {
        try {
          onMessage(JSON.parse(line) as T);
        } catch {
          // A malformed line is ignored: the peer is either buggy or hostile, neither deserves a crash.
        }
      }
      nl = pending.indexOf('\n');
    }
  };
}

export function encodeLine(msg: unknown): string {
  return JSON.stringify(msg) + '\n';
}
