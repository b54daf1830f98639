// One live connection to an agent: this side is the HTTP/2 server on the dialed stream (so the
// agent can open a stream per intercepted request), answers the control stream with hello,
// sends control requests, and hands traffic streams to the forwarders.
import http from 'node:http';
import http2, { type ClientHttp2Session, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';
import {
  decodeMeta, encodeLine, lineReader, META_HEADER, PROTOCOL_VERSION, SESSION_WINDOW, STREAM_WINDOW, streamPaths,
  type AgentMessage, type ClientMessage, type DialErrorCode, type OutboundMeta, type RequestMeta,
} from '../protocol/wire.js';
import { forwardH2, forwardHttp1, type ForwardContext } from './forward-http.js';
import { forwardTcp, forwardUpgrade } from './forward-raw.js';
import { TrafficRecord } from './traffic.js';
import type { LocalTarget, TunnelEvent } from './types.js';

export type Welcome = Extract<AgentMessage, { t: 'welcome' }>;
export type Reply = Extract<AgentMessage, { t: 'reply' }>;

export interface ConnectionOptions {
  token: string;
  clientName: string;
  /** The intercept this client serves: an agent that was told to wait for it knows it by this. */
  interceptName?: string;
  pod: string;
  /** Where the traffic of a registration goes on this machine. */
  localTarget: (registration: string) => LocalTarget;
  bodyPreviewBytes: number;
  keepSecrets?: boolean;
  emit: (event: TunnelEvent) => void;
}

const WELCOME_TIMEOUT_MS = 10_000;
/**
 * The agent pings every second. A tunnel that carries no ping for this long is dead even if no
 * socket says so (an API server or a node that stopped answering keeps its connections open):
 * the connection is closed so that the tunnel reconnects, or reports why it cannot.
 */
export const SILENCE_LIMIT_MS = 6_000;

/** An outbound connection the agent made from the pod: bytes both ways on `stream`. */
export interface DialedStream {
  stream: ServerHttp2Stream;
  /** The peer the agent connected to (`ip:port`), resolved by the pod. */
  address: string;
}

/** A dial the pod could not make; `code` is the socket's (ENOTFOUND, ECONNREFUSED, ETIMEDOUT...). */
export class DialError extends Error {
  override readonly name = 'DialError';
  constructor(message: string, readonly code: DialErrorCode, readonly pod = '') { super(message); }
}

/** The agent gives up after its own 10 s; this only catches an agent that never answers. */
const DIAL_ANSWER_TIMEOUT_MS = 15_000;

/** Thrown when the agent refuses the client (wrong credential...): reconnecting will not help. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

export class AgentConnection {
  /** Resolves with the agent's welcome; rejects when refused or closed first. */
  readonly ready: Promise<Welcome>;
  /** Resolves with the reason once the connection is gone. */
  readonly closed: Promise<string>;
  private control: ServerHttp2Stream | undefined;
  private session: ServerHttp2Session | undefined;
  private nextRid = 1;
  private pending = new Map<number, (reply: Reply) => void>();
  private dials = new Map<number, { resolve: (d: DialedStream) => void; reject: (e: DialError) => void }>();
  private readonly localAgent = new http.Agent({ keepAlive: true });
  /** One cleartext HTTP/2 connection per local target (`host:port`). */
  private readonly localSessions = new Map<string, ClientHttp2Session>();
  private server = http2.createServer({ settings: { initialWindowSize: STREAM_WINDOW }, maxSessionMemory: 64 });

  constructor(private readonly duplex: Duplex, private readonly opts: ConnectionOptions) {
    let settleReady: { resolve: (w: Welcome) => void; reject: (e: Error) => void } | undefined;
    this.ready = new Promise((resolve, reject) => { settleReady = { resolve, reject }; });
    this.ready.catch(() => undefined);
    let onClosed: (reason: string) => void = () => undefined;
    this.closed = new Promise((resolve) => { onClosed = resolve; });
    const timer = setTimeout(() => { settleReady?.reject(new Error('the agent did not answer within 10 s')); this.close(); }, WELCOME_TIMEOUT_MS);

    let closeReason = 'the tunnel closed';
    const handleAgentMessage = (msg: AgentMessage) => {
      if (msg.t === 'welcome') { clearTimeout(timer); settleReady?.resolve(msg); }
      else if (msg.t === 'refused') { clearTimeout(timer); closeReason = `the agent refused this client: ${msg.reason}`; settleReady?.reject(new RefusedError(closeReason)); }
      else if (msg.t === 'reply' && this.dials.has(msg.rid)) {
        this.dials.get(msg.rid)?.reject(new DialError(msg.error ?? 'the agent could not connect', msg.code ?? 'EUNKNOWN', opts.pod));
        this.dials.delete(msg.rid);
      } else if (msg.t === 'reply') { this.pending.get(msg.rid)?.(msg); this.pending.delete(msg.rid); }
    };

    let lastHeard = Date.now();
    let lastTick = Date.now();
    const silence = setInterval(() => {
      const now = Date.now();
      // A tick far too late means this process did not run (the laptop slept): the silence is ours.
      const paused = now - lastTick > SILENCE_LIMIT_MS / 2 ? now - lastTick : 0;
      lastTick = now;
      if (now - lastHeard <= SILENCE_LIMIT_MS) return;
      closeReason = paused
        ? `this process was paused for ${Math.round(paused / 1000)} s, so the agent has dropped its registrations`
        : `no ping from the agent for ${SILENCE_LIMIT_MS / 1000} s: the API server or the pod stopped answering`;
      this.close();
    }, 1000);
    silence.unref();
    this.server.on('session', (session: ServerHttp2Session) => {
      this.session = session;
      session.on('ping', () => {
        lastHeard = Date.now();
      });
      session.on('error', (err: Error) => { closeReason = `the tunnel failed: ${err.message}`; });
      session.on('connect', () => session.setLocalWindowSize(SESSION_WINDOW));
      session.once('close', () => {
        clearTimeout(timer);
        clearInterval(silence);
        settleReady?.reject(new Error(closeReason));
        for (const done of this.pending.values()) done({ t: 'reply', rid: 0, ok: false, error: closeReason });
        this.pending.clear();
        for (const d of this.dials.values()) d.reject(new DialError(closeReason, 'ECONNRESET', opts.pod));
        this.dials.clear();
        for (const s of this.localSessions.values()) s.destroy();
        this.localAgent.destroy();
        onClosed(closeReason);
      });
    });
    this.server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      stream.on('error', () => undefined);
      const path = headers[':path'];
      if (path === streamPaths.control) {
        if (this.control) return void stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
        this.control = stream;
        stream.respond({ ':status': 200 });
        stream.write(encodeLine({ t: 'hello', token: opts.token, client: opts.clientName, version: PROTOCOL_VERSION, ...(opts.interceptName ? { intercept: opts.interceptName } : {}) } satisfies ClientMessage));
        stream.on('data', lineReader<AgentMessage>(handleAgentMessage));
        return;
      }
      if (path === streamPaths.outbound) return void this.takeOutbound(stream, decodeMeta<OutboundMeta>(headers[META_HEADER]));
      const meta = decodeMeta<RequestMeta>(headers[META_HEADER]);
      if (!meta || !this.control) return void stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      this.serveTraffic(stream, String(path), meta);
    });
    // A TCP socket (tests, a local relay) would otherwise hold small frames back (Nagle).
    (duplex as Duplex & { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    duplex.on('error', (err: Error) => { closeReason = `the tunnel failed: ${err.message}`; });
    duplex.on('close', () => {
      clearInterval(silence);
      this.session?.destroy();
    });
    this.server.emit('connection', duplex);
  }

  /** Sends a control request and waits for its reply. */
  request(msg: DistributiveOmit<ClientMessage, 'rid'>): Promise<Reply> {
    const control = this.control;
    if (!control || control.destroyed) return Promise.resolve({ t: 'reply', rid: 0, ok: false, error: 'the tunnel is not connected' });
    const rid = this.nextRid++;
    return new Promise((resolve) => {
      this.pending.set(rid, resolve);
      control.write(encodeLine({ ...msg, rid }));
    });
  }

  /** Asks the agent to connect to host:port from the pod; resolves with the stream carrying the bytes. */
  dial(host: string, port: number): Promise<DialedStream> {
    const control = this.control;
    if (!control || control.destroyed) return Promise.reject(new DialError('the tunnel is not connected', 'ECONNRESET', this.opts.pod));
    const rid = this.nextRid++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.dials.delete(rid);
        reject(new DialError(`the agent did not answer a connection to ${host}:${port} within ${DIAL_ANSWER_TIMEOUT_MS / 1000} s`, 'ETIMEDOUT', this.opts.pod));
      }, DIAL_ANSWER_TIMEOUT_MS);
      this.dials.set(rid, {
        resolve: (d) => { clearTimeout(timer); resolve(d); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      control.write(encodeLine({ t: 'dial', rid, host, port } satisfies ClientMessage));
    });
  }

  close(): void {
    // The transport goes first, and the session after the socket's handle is gone: destroying a
    // session resets its open streams, and a reset tries to flush their queued data first
    // (node_http2.cc Http2Stream::SubmitRstStream -> SendPendingData); with a response still
    // streaming, Node 20's send loop grew its outgoing buffer without end (a test's tunnel close
    // under load reached 21 GB and the OOM killer). With no socket left there is nothing to flush.
    this.duplex.destroy();
    const session = this.session;
    if (session) setImmediate(() => session.destroy());
  }

  /** An outbound stream answers a dial of ours; one nobody waits for (timed out) is cancelled. */
  private takeOutbound(stream: ServerHttp2Stream, meta: OutboundMeta | undefined): void {
    const waiter = meta && this.dials.get(meta.rid);
    if (!meta || !waiter) return void stream.close(http2.constants.NGHTTP2_CANCEL);
    this.dials.delete(meta.rid);
    stream.respond({ ':status': 200 });
    waiter.resolve({ stream, address: String(meta.address) });
  }

  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  /** Resolves when no HTTP request is in flight (after unregistering, before closing: a leave lets answers finish). */
  drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private serveTraffic(stream: ServerHttp2Stream, path: string, meta: RequestMeta): void {
    const { opts } = this;
    if (path === streamPaths.http1 || path === streamPaths.h2) {
      this.inFlight++;
      stream.once('close', () => {
        if (--this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    }
    const record = new TrafficRecord(meta, opts.pod, opts.bodyPreviewBytes, opts.emit, opts.keepSecrets);
    const local = opts.localTarget(meta.registration);
    const ctx: ForwardContext = {
      local, record, localAgent: this.localAgent,
      localH2: () => this.localH2(local),
      onUnreachable: (message) => opts.emit({ type: 'warning', pod: opts.pod, code: 'local-unreachable', message }),
    };
    if (path === streamPaths.http1) forwardHttp1(stream, meta, ctx);
    else if (path === streamPaths.h2) forwardH2(stream, meta, ctx);
    else if (path === streamPaths.upgrade) forwardUpgrade(stream, meta, ctx);
    else if (path === streamPaths.tcp) forwardTcp(stream, ctx);
    else stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
  }

  /** One cleartext HTTP/2 connection to a local target, reopened when it drops. */
  private localH2({ host, port }: LocalTarget): ClientHttp2Session {
    const key = `${host}:${port}`;
    let session = this.localSessions.get(key);
    if (!session || session.destroyed || session.closed) {
      session = http2.connect(`http://${host.includes(':') ? `[${host}]` : host}:${port}`, { settings: { initialWindowSize: STREAM_WINDOW } });
      session.on('error', () => undefined);
      this.localSessions.set(key, session);
    }
    return session;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
