// The tunnel's public types: options for openTunnel, the session it returns, and the events it
// emits (a union discriminated on `type`, so the engine and UIs can switch on it).
import type { ServerHttp2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { PortCounts, Protocol, Registration } from '../protocol/wire.js';

export type { PortCounts, Protocol, Registration };
export type { Match, HeaderMatch, PathMatch } from '../protocol/matcher.js';

/** Where intercepted traffic goes on this machine (`--port`; host defaults to 127.0.0.1). */
export interface LocalTarget {
  host: string;
  port: number;
}

/**
 * A registration as this side keeps it: with where its traffic goes (one intercept of several
 * ports sends each to its own local port). The agent never sees localTarget.
 */
export interface LocalRegistration extends Registration {
  localTarget?: LocalTarget;
}

export interface ReconnectPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** After this long without a working tunnel the session is failed. */
  giveUpAfterMs: number;
}

export interface TunnelOptions {
  /** Opens a fresh byte stream to the agent's control port (a port-forward stream, a TCP socket). */
  dial: () => Promise<Duplex>;
  /** The credential the CLI put in the pod's Secret. */
  token: string;
  /** The pod this tunnel goes through; copied into every event. */
  pod: string;
  /** Shown to other users in conflict messages, e.g. `alice@laptop`. */
  clientName: string;
  /** The intercept's name, told to the agent (see plugin/agent/expected.ts). */
  interceptName?: string;
  registrations: LocalRegistration[];
  /** Where the traffic of a registration without a localTarget of its own goes. */
  localTarget: LocalTarget;
  onEvent: (event: TunnelEvent) => void;
  /** Bytes of each body kept in traffic events (0 = none; at most MAX_BODY_BYTES). */
  bodyPreviewBytes?: number;
  /** Also put the unmasked URL and headers in `secrets` (for `--har-unmasked` only). */
  keepSecrets?: boolean;
  reconnect?: Partial<ReconnectPolicy>;
}

export type TunnelState = 'connecting' | 'active' | 'reconnecting' | 'failed' | 'closed';

export interface StateEvent {
  type: 'state';
  pod: string;
  state: TunnelState;
  /** Reconnect attempt number (reconnecting) or what went wrong (reconnecting, failed). */
  attempt?: number;
  reason?: string;
}

export interface TrafficStartEvent {
  type: 'traffic-start';
  id: string;
  pod: string;
  registration: string;
  protocol: Protocol;
  start: number;
  method?: string;
  path?: string;
  remote: string;
}

export interface TrafficEvent {
  type: 'traffic';
  id: string;
  pod: string;
  registration: string;
  protocol: Protocol;
  /** Epoch milliseconds when the agent's stream arrived. */
  start: number;
  durationMs: number;
  method?: string;
  path?: string;
  status?: number;
  /** Caller -> local app (body or raw bytes). */
  bytesIn: number;
  /** Local app -> caller. */
  bytesOut: number;
  /** `1.1`, `1.0`, `2.0`: as the caller spoke it. */
  httpVersion?: string;
  /** The local app's reason phrase (HTTP/1 only). */
  statusText?: string;
  /** Flat [name, value, ...] lists with credentials masked (redact.ts). */
  requestHeaders?: string[];
  responseHeaders?: string[];
  /** The first bytes of each body, when the tunnel was asked to keep them. */
  requestBody?: CapturedBody;
  responseBody?: CapturedBody;
  /** Milliseconds of the round trip, as HAR's timings count them (HTTP only). */
  timings?: TrafficTimings;
  /** The unmasked URL and headers: only when asked for (`keepSecrets`), never printed. */
  secrets?: { path?: string; requestHeaders?: string[]; responseHeaders?: string[] };
  remote: string;
  error?: string;
  /** A mirrored copy: the caller was answered by the app (or another intercept), not by this answer. */
  mirror?: true;
  /** The mirrored request's body was longer than the agent copies (MIRROR_BODY_LIMIT) and was cut. */
  requestCut?: true;
}

export interface CapturedBody {
  /** UTF-8 text, or base64 when `encoding` says so (binary, compressed or not UTF-8). */
  text: string;
  encoding?: 'base64';
  /** The Content-Type, when one was sent. */
  mimeType?: string;
  /** Longer than the bound: `text` holds the first bytes only (the event's bytesIn/bytesOut say how many there were). */
  truncated?: true;
}

export interface TrafficTimings {
  /** From the stream's arrival until the caller's body had been read and passed on. */
  send: number;
  /** From then until the local app's response head. */
  wait: number;
  /** From the response head until its last byte. */
  receive: number;
}

export interface WarningEvent {
  type: 'warning';
  pod: string;
  code: 'local-unreachable' | 'registration-lost' | 'agent-message';
  message: string;
}

/** How a local process reached the outbound path (decision 13). */
export type OutboundVia = 'socks5' | 'http-connect' | 'http' | 'forward';

/** One connection the local process made into the cluster, dialed by the agent of `pod`. */
export interface OutboundEvent {
  type: 'outbound';
  id: string;
  /** Empty when no tunnel could take the connection. */
  pod: string;
  via: OutboundVia;
  /** As the local process asked for it: `users:8080`, `10.96.0.12:80`, `[fd00::1]:443`. */
  destination: string;
  /** What the pod reached (`ip:port`), when the dial succeeded. */
  address?: string;
  /** Epoch milliseconds when the local process connected. */
  start: number;
  durationMs: number;
  /** Local process -> destination. */
  bytesSent: number;
  /** Destination -> local process. */
  bytesReceived: number;
  /** Why the connection failed or could not be made (with the socket code where there is one). */
  error?: string;
}

export type TunnelEvent = StateEvent | TrafficStartEvent | TrafficEvent | WarningEvent;

export interface TunnelSession {
  readonly pod: string;
  state(): TunnelState;
  /** The app container's environment as the agent reported it. */
  env(): Record<string, string>;
  registrations(): LocalRegistration[];
  /** Adds an intercept; rejects with the agent's reason (e.g. a conflict naming the holder). */
  register(reg: LocalRegistration): Promise<void>;
  unregister(id: string): Promise<void>;
  /**
   * Has the agent connect to host:port from the pod (names resolved there); resolves with the byte
   * stream and the address it reached, rejects with a DialError carrying the socket's code.
   */
  dial(host: string, port: number): Promise<{ stream: ServerHttp2Stream; address: string }>;
  /** Pass-through and intercept counts per port. */
  stats(): Promise<PortCounts[]>;
  /** Unregisters everything, closes the tunnel and stops reconnecting; `reason` goes with the closed state. */
  close(reason?: string): Promise<void>;
}
