// Cleartext HTTP/2 (prior knowledge, as gRPC uses) on an agent port, relayed frame by frame: one
// app connection per caller connection, frames passed on as bytes, every request header block
// decoded (HPACK state kept in step with the caller's encoder) and routed by itself. A stream a
// laptop takes never reaches the app; the rest of the connection goes on untouched around it.
// docs/dataplane.md "HTTP/2" says what the app and the caller see; RFC 9113 and RFC 7541 rule.
import type net from 'node:net';
import { rawHeaderLookup } from '../protocol/matcher.js';
import { streamPaths } from '../protocol/wire.js';
import { DivertedStream, LocalAnswer, type CallerBound, type CallerSide } from './h2-divert.js';
import {
  DEFAULT_MAX_FRAME, DEFAULT_WINDOW, FLAG, FRAME, FrameReader, H2_ERROR, PREFACE, SETTING,
  dataOf, frame, goaway, headerFrames, headersFragment, rstStream, windowUpdate, type Frame,
} from './h2-frames.js';
import { encodeStateless, HpackDecoder, HpackError } from './hpack.js';
import { log } from './log.js';
import { openMirrors, type MirrorCopies } from './mirror.js';
import type { RelayDeps } from './http1-relay.js';

/** What the HTTP/1 relay is given, but the app's address: this relay has its app connection already. */
export type H2Deps = Omit<RelayDeps, 'appHost'>;

/** Relays of every port, for a graceful stop. */
const relays = new Set<H2Relay>();

/** The pod is stopping: GOAWAY to every caller, whose streams in flight still finish (RFC 9113 §6.8). */
export function drainRelays(): void {
  for (const relay of relays) relay.drain();
}

/** A stream the app serves: what the relay must know to close it and to copy it to mirrors. */
interface AppStream {
  callerEnded: boolean;
  appEnded: boolean;
  copies?: MirrorCopies;
}

/** A request header block being received (HEADERS, then CONTINUATION until END_HEADERS). */
interface PendingBlock {
  stream: number;
  flags: number;
  raw: Buffer[];
  fragments: Buffer[];
  priority?: Buffer;
}

/** Diverted stream ids remembered after they end, so late frames for them never reach the app. */
const REMEMBERED_CLOSED = 256;

/** Takes a caller connection whose first bytes (head) are the HTTP/2 preface, and its app connection. */
export function relayH2(caller: net.Socket, head: Buffer, app: net.Socket, fromApp: Buffer, deps: H2Deps): void {
  new H2Relay(caller, app, deps).start(head, fromApp);
}

class H2Relay implements CallerSide {
  private readonly fromCaller = new FrameReader();
  private readonly fromApp = new FrameReader();
  private readonly decoder = new HpackDecoder();
  private preface: Buffer = Buffer.alloc(0);
  private prefaceDone = false;
  /** The caller's settings that bind what the agent itself sends it. */
  private callerInitialWindow = DEFAULT_WINDOW;
  private callerMaxFrame = DEFAULT_MAX_FRAME;
  private appMaxFrame = DEFAULT_MAX_FRAME;
  /** The caller's true connection window: what the app and the agent together may still send it. */
  private callerWindow = DEFAULT_WINDOW;
  /** Bytes the agent sent the caller that the app does not know of, still to keep out of its window. */
  private owed = 0;
  private readonly diverted = new Map<number, CallerBound>();
  private readonly divertedClosed = new Set<number>();
  private readonly appStreams = new Map<number, AppStream>();
  private readonly divertedCopies = new Map<number, MirrorCopies>();
  private appMaxStream = 0;
  private lastCallerStream = 0;
  /** A block went elsewhere than the app: the app's decoder missed it, so blocks to it are stateless. */
  private statelessToApp = false;
  private block: PendingBlock | undefined;
  /**
   * Frames of the agent's wait while the app is inside a header block (nothing may come between
   * its frames, RFC 9113 §6.10) and until the app's SETTINGS, which must come first (§3.4).
   */
  private appInBlock = true;
  private appSettingsSeen = false;
  private toCallerLater: Buffer[] = [];
  private appHeld = false;
  /** Streams above this id are refused: the caller was sent GOAWAY naming it. */
  private goawayLast = Number.POSITIVE_INFINITY;
  private closing = false;
  private appClosed = false;
  /**
   * The app was gone before its SETTINGS: the agent is the caller's server itself, so the laptop's
   * streams still work (an intercept of an app that is down), and streams for the app get a 502.
   */
  private standalone = false;
  private appError = 'connection closed';
  /** Caller SETTINGS the app has not acknowledged: the agent acknowledges them if it stands in. */
  private callerSettingsUnacked = 0;
  private readonly remote: string;

  constructor(private readonly caller: net.Socket, private readonly app: net.Socket, private readonly deps: H2Deps) {
    this.remote = `${caller.remoteAddress}:${caller.remotePort}`;
  }

  start(head: Buffer, fromApp: Buffer): void {
    relays.add(this);
    const { caller, app } = this;
    caller.on('data', (chunk: Buffer) => this.onCallerData(chunk));
    caller.on('end', () => app.end());
    caller.on('close', () => this.onCallerClose());
    app.on('data', (chunk: Buffer) => this.onAppData(chunk));
    app.on('close', () => this.onAppClose());
    app.on('error', (err: Error) => { this.appError = err.message; });
    if (fromApp.length > 0) this.onAppData(fromApp);
    if (head.length > 0) this.onCallerData(head);
    caller.resume();
    app.resume();
    if (app.destroyed) this.onAppClose(); // refused before the caller's preface was read
  }

  drain(): void {
    if (this.goawayLast !== Number.POSITIVE_INFINITY) return;
    this.goawayLast = this.lastCallerStream;
    this.toCaller(goaway(this.goawayLast, H2_ERROR.NO_ERROR));
    this.closing = true;
    this.closeIfIdle();
  }

  // ---- caller -> app

  private onCallerData(chunk: Buffer): void {
    if (!this.prefaceDone) {
      this.preface = Buffer.concat([this.preface, chunk]);
      if (this.preface.length < PREFACE.length) return;
      if (!this.preface.subarray(0, PREFACE.length).equals(PREFACE)) return void this.caller.destroy();
      this.prefaceDone = true;
      chunk = this.preface.subarray(PREFACE.length);
      this.toApp(PREFACE);
    }
    this.app.cork();
    this.caller.cork();
    try {
      this.fromCaller.read(chunk, (f) => this.onCallerFrame(f));
    } catch (err) {
      this.connectionError(err instanceof HpackError ? H2_ERROR.COMPRESSION_ERROR : H2_ERROR.PROTOCOL_ERROR, (err as Error).message);
    }
    this.app.uncork();
    this.caller.uncork();
    if (this.app.writableNeedDrain && !this.caller.isPaused()) {
      this.caller.pause();
      this.app.once('drain', () => this.caller.resume());
    }
  }

  private onCallerFrame(f: Frame): boolean {
    if (this.block) {
      if (f.type !== FRAME.CONTINUATION || f.stream !== this.block.stream) throw new Error('a header block interrupted');
      this.block.raw.push(f.raw);
      this.block.fragments.push(f.payload);
      if (f.flags & FLAG.END_HEADERS) this.endOfBlock();
      return true;
    }
    switch (f.type) {
      case FRAME.HEADERS: {
        const { fragment, priority } = headersFragment(f.flags, f.payload);
        this.block = { stream: f.stream, flags: f.flags, raw: [f.raw], fragments: [fragment], priority };
        if (f.flags & FLAG.END_HEADERS) this.endOfBlock();
        return true;
      }
      case FRAME.DATA: return this.callerDataFrame(f);
      case FRAME.WINDOW_UPDATE: return this.callerWindowUpdate(f);
      case FRAME.SETTINGS:
        if (f.flags & FLAG.ACK) break;
        this.callerSettings(f.payload);
        if (this.standalone) this.toCaller(frame(FRAME.SETTINGS, FLAG.ACK, 0));
        else this.callerSettingsUnacked++;
        break;
      case FRAME.PING:
        if (this.standalone && !(f.flags & FLAG.ACK)) this.toCaller(frame(FRAME.PING, FLAG.ACK, 0, f.payload));
        break;
      case FRAME.RST_STREAM: {
        const d = this.diverted.get(f.stream);
        if (d) {
          d.cancel();
          this.forgetDiverted(f.stream);
          return true;
        }
        this.appStreams.delete(f.stream);
        if (!this.reachesApp(f.stream)) return true;
        break;
      }
      case FRAME.PRIORITY:
        if (this.diverted.has(f.stream) || this.divertedClosed.has(f.stream)) return true;
        break;
      default:
    }
    this.toApp(f.raw);
    return true;
  }

  /** Whether a frame on this stream is the app's business (streams it saw, or the connection). */
  private reachesApp(stream: number): boolean {
    return stream === 0 || (stream <= this.appMaxStream && !this.divertedClosed.has(stream) && !this.diverted.has(stream)) || (stream % 2 === 0);
  }

  private callerDataFrame(f: Frame): boolean {
    const end = (f.flags & FLAG.END_STREAM) !== 0;
    const d = this.diverted.get(f.stream);
    if (d) {
      const n = f.payload.length;
      const data = dataOf(f.flags, f.payload);
      this.divertedCopies.get(f.stream)?.write([data]);
      d.write(data, () => {
        if (n === 0 || this.caller.destroyed) return;
        this.toCaller(windowUpdate(0, n));
        if (!d.callerEnded) this.toCaller(windowUpdate(f.stream, n));
      });
      if (end) {
        d.endRequest([]);
        this.divertedCopies.get(f.stream)?.end([]);
        this.endOfDiverted(d);
      }
      return true;
    }
    const s = this.appStreams.get(f.stream);
    if (!s && !this.reachesApp(f.stream)) {
      // A stream the app never saw (refused or ended at the agent): its bytes still count
      // against the window the caller sees, so they are given back.
      if (f.payload.length > 0) this.toCaller(windowUpdate(0, f.payload.length));
      return true;
    }
    if (s?.copies) {
      s.copies.write([dataOf(f.flags, f.payload)]);
      if (end) s.copies.end([]);
    }
    if (s && end) this.appStreamEnded(f.stream, s, 'caller');
    this.toApp(f.raw);
    return true;
  }

  private callerWindowUpdate(f: Frame): boolean {
    const increment = f.payload.readUInt32BE(0) & 0x7fffffff;
    if (f.stream === 0) {
      this.callerWindow += increment;
      const kept = Math.min(increment, this.owed);
      this.owed -= kept;
      if (increment - kept > 0) this.toApp(kept === 0 ? f.raw : windowUpdate(0, increment - kept));
      this.resumeApp();
      for (const d of this.diverted.values()) this.pump(d);
      return true;
    }
    const d = this.diverted.get(f.stream);
    if (d) {
      d.sendWindow += increment;
      this.pump(d);
      return true;
    }
    if (this.reachesApp(f.stream)) this.toApp(f.raw);
    return true;
  }

  private callerSettings(payload: Buffer): void {
    for (let i = 0; i + 6 <= payload.length; i += 6) {
      const id = payload.readUInt16BE(i);
      const value = payload.readUInt32BE(i + 2);
      if (id === SETTING.MAX_FRAME_SIZE) this.callerMaxFrame = value;
      if (id === SETTING.INITIAL_WINDOW_SIZE) {
        // §6.9.2: a new initial window moves every open stream's window by the difference.
        const delta = value - this.callerInitialWindow;
        this.callerInitialWindow = value;
        for (const d of this.diverted.values()) d.sendWindow += delta;
      }
    }
    for (const d of this.diverted.values()) this.pump(d);
  }

  private endOfBlock(): void {
    const block = this.block as PendingBlock;
    this.block = undefined;
    const fields = this.decoder.decode(block.fragments.length === 1 ? block.fragments[0] : Buffer.concat(block.fragments));
    const end = (block.flags & FLAG.END_STREAM) !== 0;
    const d = this.diverted.get(block.stream);
    if (d) {
      // Trailers of a diverted request.
      this.divertedCopies.get(block.stream)?.end(fields);
      d.endRequest(fields);
      this.endOfDiverted(d);
      return;
    }
    const s = this.appStreams.get(block.stream);
    if (s) {
      if (end) s.copies?.end(fields);
      if (end) this.appStreamEnded(block.stream, s, 'caller');
      return this.blockToApp(block, fields);
    }
    if (block.stream % 2 === 1 && block.stream > this.lastCallerStream) return this.newStream(block, fields, end);
    if (this.reachesApp(block.stream)) this.blockToApp(block, fields);
    else this.statelessToApp = true;
  }

  private blockToApp(block: PendingBlock, fields: string[]): void {
    if (!this.statelessToApp) {
      for (const raw of block.raw) this.toApp(raw);
      return;
    }
    const end = (block.flags & FLAG.END_STREAM) !== 0;
    for (const f of headerFrames(block.stream, encodeStateless(fields), end, this.appMaxFrame, block.priority)) this.toApp(f);
  }

  private newStream(block: PendingBlock, fields: string[], end: boolean): void {
    const id = block.stream;
    this.lastCallerStream = id;
    if (id > this.goawayLast || (this.appClosed && !this.standalone)) {
      this.statelessToApp = true;
      this.toCaller(rstStream(id, H2_ERROR.REFUSED_STREAM));
      return;
    }
    const { deps } = this;
    let path = '/';
    let method = '';
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === ':path') path = fields[i + 1];
      else if (fields[i] === ':method') method = fields[i + 1];
    }
    const lookup = rawHeaderLookup(fields);
    const route = deps.registry.route(deps.mapping.agentPort, lookup, path, method);
    if (deps.logRequests) log('request', { port: deps.mapping.appPort, method, path, to: route ? route.client.name : 'app' });
    const meta = { port: deps.mapping.appPort, protocol: 'h2' as const, remote: this.remote, method, path, httpVersion: '2.0', rawHeaders: fields };
    const mirrors = deps.registry.mirrors(deps.mapping.agentPort, lookup, path, method);
    const copies = mirrors.length > 0 ? openMirrors(mirrors, streamPaths.h2, meta, deps.stats) : undefined;
    if (copies && end) copies.end([]);
    if (route) {
      try {
        const tunnel = route.client.openStream(streamPaths.h2, { ...meta, registration: route.reg.id }, true);
        deps.stats.intercepted++;
        this.statelessToApp = true;
        const d = new DivertedStream(id, tunnel, route.client.name, this, this.callerInitialWindow);
        this.diverted.set(id, d);
        if (copies && !end) this.divertedCopies.set(id, copies);
        if (end) d.endRequest([]);
        return;
      } catch {
        // tunnel closed: fail open to the app
      }
    }
    if (this.standalone) return this.appUnreachable(id, end);
    deps.stats.passthroughRequests++;
    this.appStreams.set(id, { callerEnded: end, appEnded: false, copies: end ? undefined : copies });
    this.appMaxStream = id;
    this.blockToApp(block, fields);
  }

  private appStreamEnded(id: number, s: AppStream, side: 'caller' | 'app'): void {
    if (side === 'caller') s.callerEnded = true;
    else s.appEnded = true;
    if (s.callerEnded && s.appEnded) {
      this.appStreams.delete(id);
      this.closeIfIdle();
    }
  }

  // ---- app -> caller

  private onAppData(chunk: Buffer): void {
    this.caller.cork();
    try {
      this.fromApp.read(chunk, (f) => this.onAppFrame(f));
    } catch (err) {
      // A frame too short for its type: the app broke the protocol, both connections end.
      log('h2-error', { port: this.deps.mapping.appPort, remote: this.remote, reason: `from the app: ${(err as Error).message}` });
      this.caller.destroy();
      this.app.destroy();
    }
    this.caller.uncork();
    if (this.appHeld) this.app.pause();
    else if (this.caller.writableNeedDrain && !this.app.isPaused()) {
      this.app.pause();
      this.caller.once('drain', () => { if (!this.appHeld) this.app.resume(); });
    }
  }

  private onAppFrame(f: Frame): boolean {
    switch (f.type) {
      case FRAME.DATA: {
        if (f.payload.length > this.callerWindow) {
          // The app's view of the window includes what the agent sent: wait for the caller's update.
          this.appHeld = true;
          return false;
        }
        this.callerWindow -= f.payload.length;
        if (f.flags & FLAG.END_STREAM) this.appSideEnded(f.stream);
        break;
      }
      case FRAME.HEADERS:
      case FRAME.PUSH_PROMISE:
      case FRAME.CONTINUATION:
        this.appInBlock = (f.flags & FLAG.END_HEADERS) === 0;
        if (f.type === FRAME.HEADERS && (f.flags & FLAG.END_STREAM)) this.appSideEnded(f.stream);
        this.caller.write(f.raw);
        if (!this.appInBlock) this.flushToCaller();
        return true;
      case FRAME.SETTINGS:
        if (f.flags & FLAG.ACK) this.callerSettingsUnacked--;
        else {
          for (let i = 0; i + 6 <= f.payload.length; i += 6) {
            const id = f.payload.readUInt16BE(i);
            if (id === SETTING.MAX_FRAME_SIZE) this.appMaxFrame = f.payload.readUInt32BE(i + 2);
            if (id === SETTING.HEADER_TABLE_SIZE) this.decoder.limit = f.payload.readUInt32BE(i + 2);
          }
        }
        this.caller.write(f.raw);
        this.appSettingsSeen = true;
        if (this.appInBlock) {
          this.appInBlock = false;
          this.flushToCaller();
        }
        return true;
      case FRAME.GOAWAY:
        this.appGoaway(f);
        return true;
      case FRAME.RST_STREAM:
        this.appStreams.delete(f.stream);
        break;
      default:
    }
    this.caller.write(f.raw);
    if (f.type === FRAME.RST_STREAM) this.closeIfIdle();
    return true;
  }

  private appSideEnded(id: number): void {
    const s = this.appStreams.get(id);
    if (s) this.appStreamEnded(id, s, 'app');
  }

  /**
   * The app stops taking streams above its last id; streams the agent diverted above it are the
   * agent's and go on, so the caller is told the larger id, and the app's own streams between the
   * two are refused one by one (REFUSED_STREAM: never processed, safe to retry, RFC 9113 §8.7).
   */
  private appGoaway(f: Frame): void {
    const appLast = f.payload.readUInt32BE(0) & 0x7fffffff;
    let last = appLast;
    for (const id of this.diverted.keys()) last = Math.max(last, id);
    last = Math.min(last, this.goawayLast);
    for (const id of [...this.appStreams.keys()]) {
      if (id > appLast && id <= last) {
        this.appStreams.delete(id);
        this.toCaller(rstStream(id, H2_ERROR.REFUSED_STREAM));
      }
    }
    this.goawayLast = last;
    const out = Buffer.from(f.raw);
    out.writeUInt32BE(last, 9);
    this.caller.write(out);
    this.closing = true;
    this.closeIfIdle();
  }

  private resumeApp(): void {
    if (!this.appHeld) return;
    this.appHeld = false;
    this.caller.cork();
    this.fromApp.resume((f) => this.onAppFrame(f));
    this.caller.uncork();
    if (!this.appHeld) this.app.resume();
  }

  // ---- what the agent itself sends the caller (CallerSide)

  private toCaller(buf: Buffer): void {
    if (this.appInBlock) this.toCallerLater.push(buf);
    else this.caller.write(buf);
  }

  private flushToCaller(): void {
    const later = this.toCallerLater;
    this.toCallerLater = [];
    for (const buf of later) this.caller.write(buf);
  }

  headers(stream: number, fields: string[], endStream: boolean): void {
    for (const f of headerFrames(stream, encodeStateless(fields), endStream, this.callerMaxFrame)) this.toCaller(f);
  }

  reset(stream: number, code: number): void {
    this.toCaller(rstStream(stream, code));
    this.forgetDiverted(stream);
  }

  pump(d: CallerBound): void {
    if (!this.diverted.has(d.id)) return;
    while (d.queue.length > 0) {
      const head = d.queue[0];
      if (head.length === 0) {
        d.queue.shift();
        continue;
      }
      const room = Math.min(d.sendWindow, this.callerWindow, this.callerMaxFrame);
      if (room <= 0) break;
      const part = head.length > room ? head.subarray(0, room) : head;
      if (part === head) d.queue.shift();
      else d.queue[0] = head.subarray(room);
      d.queued -= part.length;
      d.sendWindow -= part.length;
      this.callerWindow -= part.length;
      this.owed += part.length;
      const last = d.queue.length === 0 && d.ending !== undefined && d.ending.length === 0;
      this.toCaller(frame(FRAME.DATA, last ? FLAG.END_STREAM : 0, d.id, part));
      if (last) return this.responseSent(d);
    }
    d.drained();
    if (d.queue.length > 0 || d.ending === undefined) return;
    if (d.ending.length > 0) this.headers(d.id, d.ending, true);
    else this.toCaller(frame(FRAME.DATA, FLAG.END_STREAM, d.id));
    this.responseSent(d);
  }

  /** The answer is complete; a request still being sent is no longer wanted (RFC 9113 §8.1). */
  private responseSent(d: CallerBound): void {
    if (!d.callerEnded) this.toCaller(rstStream(d.id, H2_ERROR.NO_ERROR));
    d.finished = true;
    this.forgetDiverted(d.id);
  }

  private endOfDiverted(d: CallerBound): void {
    if (d.finished) this.forgetDiverted(d.id);
  }

  private forgetDiverted(id: number): void {
    if (!this.diverted.delete(id)) return;
    this.divertedCopies.delete(id);
    this.divertedClosed.add(id);
    if (this.divertedClosed.size > REMEMBERED_CLOSED) this.divertedClosed.delete(this.divertedClosed.values().next().value as number);
    this.closeIfIdle();
  }

  private toApp(buf: Buffer): void {
    if (!this.standalone && !this.appClosed) this.app.write(buf);
  }

  /** A 502 that says why, then GOAWAY: the caller's next connection tries the app again. */
  private appUnreachable(id: number, callerEnded: boolean): void {
    const body = Buffer.from(`kubectl-intercept agent: the app on port ${this.deps.mapping.appPort} did not answer (${this.appError}). Later connections try it again.\n`);
    const answer = new LocalAnswer(id, body, this.callerInitialWindow);
    answer.callerEnded = callerEnded;
    this.statelessToApp = true;
    this.diverted.set(id, answer);
    this.headers(id, [':status', '502', 'content-type', 'text/plain; charset=utf-8'], false);
    this.pump(answer);
    this.drain();
  }

  // ---- ends

  private closeIfIdle(): void {
    if (!this.closing || this.diverted.size > 0) return;
    if (this.appClosed || this.appStreams.size === 0) {
      this.caller.end();
      this.app.end();
    }
  }

  private connectionError(code: number, reason: string): void {
    log('h2-error', { port: this.deps.mapping.appPort, remote: this.remote, reason });
    this.caller.end(goaway(this.lastCallerStream, code));
    this.app.destroy();
  }

  private onCallerClose(): void {
    relays.delete(this);
    for (const d of this.diverted.values()) d.cancel();
    this.diverted.clear();
    this.app.destroy();
  }

  private standIn(): void {
    this.standalone = true;
    this.appInBlock = false;
    this.caller.write(frame(FRAME.SETTINGS, 0, 0));
    for (; this.callerSettingsUnacked > 0; this.callerSettingsUnacked--) this.caller.write(frame(FRAME.SETTINGS, FLAG.ACK, 0));
    this.flushToCaller();
    const waiting = [...this.appStreams.entries()];
    this.appStreams.clear();
    for (const [id, s] of waiting) this.appUnreachable(id, s.callerEnded);
  }

  /** The app went away: its streams are lost, the laptop's go on, then the caller is closed. */
  private onAppClose(): void {
    if (this.appClosed) return;
    this.appClosed = true;
    if (!this.appSettingsSeen && !this.caller.destroyed) return this.standIn();
    this.appInBlock = false;
    this.flushToCaller();
    if (this.diverted.size === 0) return void this.caller.end();
    for (const id of this.appStreams.keys()) this.toCaller(rstStream(id, H2_ERROR.INTERNAL_ERROR));
    this.appStreams.clear();
    if (this.goawayLast === Number.POSITIVE_INFINITY) {
      this.goawayLast = this.lastCallerStream;
      this.toCaller(goaway(this.goawayLast, H2_ERROR.NO_ERROR));
    }
    this.closing = true;
    this.closeIfIdle();
  }
}
