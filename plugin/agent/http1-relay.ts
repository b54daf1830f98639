// HTTP/1.x on an agent port: every request on a caller's connection is routed by itself, whenever
// the connection was opened (DESIGN decision 11). Requests for the app are forwarded as the caller's
// own bytes over one app connection per caller connection, so the app sees what it saw without
// the agent (one connection each, keep-alive and close as the caller chose, the same bytes); only
// heads and body boundaries are parsed. Matching requests go to their laptop's tunnel. One
// exchange at a time: a pipelined request waits until the answer before it is written.
import net from 'node:net';
import type { ClientHttp2Stream } from 'node:http2';
import type { PortMapping } from './config.js';
import { errorAnswer } from './http1-answer.js';
import { BodyReader } from './http1-body.js';
import {
  answerCloses, callerWantsClose, parseRequestHead, parseResponseHead, requestFraming, responseFraming, wantsUpgrade, type RequestHead,
} from './http1-head.js';
import { exchangeViaTunnel, type TunnelExchange } from './http1-tunnel.js';
import { log } from './log.js';
import { openMirrors, type MirrorCopies } from './mirror.js';
import { pipeBoth } from './passthrough.js';
import type { HeaderLookup } from '../protocol/matcher.js';
import { streamPaths } from '../protocol/wire.js';
import type { Registry } from './registry.js';
import type { PortStats } from './stats.js';
import { isStopping, refusedWhileStopping } from './stopping.js';

export interface RelayDeps {
  mapping: PortMapping;
  appHost: string;
  registry: Registry;
  stats: PortStats;
  logRequests: boolean;
}

/**
 * The largest request head taken (a 431 beyond it). Node's own default is 16 KiB; proxies in front
 * of apps commonly allow more (Envoy 60 KiB, nginx 4 x 8 KiB lines): 32 KiB still fits, base64
 * encoded, in one header of the tunnel's HTTP/2 stream (64 KiB header list).
 */
export const REQUEST_HEAD_LIMIT = 32 * 1024;
/** An app's response head longer than this is not parsed: the connection becomes a plain pipe. */
const RESPONSE_HEAD_LIMIT = 256 * 1024;

interface Exchange {
  head: RequestHead;
  toApp: boolean;
  upgrade: boolean;
  close: boolean;
  requestDone: boolean;
  responseDone: boolean;
  /** Bytes of the app's answer already given to the caller. */
  answered: boolean;
  /** An idempotent bodiless request on a reused app connection, kept to send once more (RFC 9110 §9.2.2). */
  retry?: Buffer;
  tunnel?: TunnelExchange;
  mirror?: MirrorCopies;
}

/** Relays that end their connection at the next quiet moment once the agent is stopping. */
const relays = new Set<() => void>();

/** The pod is stopping: every connection ends after its exchange in flight, or now if idle. */
export function drainHttp1(): void {
  for (const drain of relays) drain();
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The caller's address for a laptop or a mirror, made only when a request goes to one. */
function remoteOf(caller: net.Socket): string {
  return `${caller.remoteAddress}:${caller.remotePort}`;
}

export function relayHttp1(caller: net.Socket, first: Buffer, deps: RelayDeps, preopened?: net.Socket): void {
  const { mapping, registry, stats } = deps;
  let pending = first;
  let app: net.Socket | undefined;
  let appBuf: Buffer = Buffer.alloc(0);
  /** The app's bytes for the caller not written yet (see toCaller). */
  let outgoing: Buffer | undefined;
  let current: Exchange | undefined;
  let requestBody: BodyReader | undefined;
  let responseBody: BodyReader | undefined;
  let piping = false;
  let closed = false;
  /** Set when the pod is stopping: the connection ends after its exchange in flight. */
  let draining = isStopping();
  /** Exchanges the current app connection has carried: a request on a reused one may be retried. */
  let appUses = 0;
  const drain = () => {
    draining = true;
    if (!current) closeBoth();
  };
  relays.add(drain);

  if (preopened && !preopened.destroyed) useApp(preopened);
  caller.on('data', onCallerData);
  caller.on('end', onCallerEnd);
  caller.on('close', onCallerClose);
  caller.resume();
  pump();

  function onCallerData(chunk: Buffer): void {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    pump();
  }

  function pump(): void {
    while (!closed && !piping && pending.length > 0) {
      if (requestBody && current) {
        if (!sendRequestBody(current, requestBody)) return;
        continue;
      }
      if (current) {
        // Pipelined bytes wait for the answer in flight; bounded by pausing the caller.
        if (pending.length > REQUEST_HEAD_LIMIT) caller.pause();
        return;
      }
      const parsed = parseRequestHead(pending, REQUEST_HEAD_LIMIT);
      if (parsed.kind === 'need-more') return;
      if (parsed.kind === 'too-large') return refuse(431, `kubectl-intercept agent: the request head is larger than ${REQUEST_HEAD_LIMIT / 1024} KiB.\n`);
      if (parsed.kind === 'bad') return refuse(400, `kubectl-intercept agent: a malformed HTTP/1 request (${parsed.reason}).\n`);
      const headBytes = pending.subarray(0, parsed.head.size);
      pending = pending.subarray(parsed.head.size);
      if (!startExchange(parsed.head, headBytes)) return;
    }
  }

  /** Forwards what is pending of the request body; false when it must wait (backpressure, upgrade). */
  function sendRequestBody(x: Exchange, body: BodyReader): boolean {
    const step = body.feed(pending);
    const raw = pending.subarray(0, step.consumed);
    pending = pending.subarray(step.consumed);
    if (step.error) {
      refuse(400, `kubectl-intercept agent: a malformed HTTP/1 request body (${step.error}).\n`);
      return false;
    }
    // An app that answered early and closed gets no more of the body; it is read and dropped.
    const ok = x.toApp ? (raw.length === 0 || !app || app.write(raw)) : x.tunnel!.write(step.data);
    x.mirror?.write(step.data);
    if (step.done) {
      requestBody = undefined;
      x.requestDone = true;
      x.tunnel?.end(step.trailers ?? []);
      x.mirror?.end(step.trailers ?? []);
      finishIfDone();
    }
    if (!ok && !closed) {
      caller.pause();
      if (x.toApp) app?.once('drain', resumeCaller);
      return false;
    }
    return true;
  }

  function startExchange(head: RequestHead, headBytes: Buffer): boolean {
    const framing = requestFraming(head);
    if (typeof framing === 'string') {
      refuse(400, `kubectl-intercept agent: a malformed HTTP/1 request (${framing}).\n`);
      return false;
    }
    const lookup: HeaderLookup = (name) => head.values(name);
    const route = registry.route(mapping.agentPort, lookup, head.target, head.method);
    if (deps.logRequests) log('request', { port: mapping.appPort, method: head.method, path: head.target, to: route ? route.client.name : 'app' });
    const x: Exchange = {
      // An upgrade with a body is rare (h2c with a POST); it is taken as a plain request.
      head, toApp: true, upgrade: wantsUpgrade(head) && framing.kind === 'none', close: callerWantsClose(head),
      requestDone: false, responseDone: false, answered: false,
    };
    current = x;
    if (!x.upgrade) {
      const mirrors = registry.mirrors(mapping.agentPort, lookup, head.target, head.method);
      if (mirrors.length > 0) {
        x.mirror = openMirrors(mirrors, streamPaths.http1, {
          port: mapping.appPort, protocol: 'http1', remote: remoteOf(caller), method: head.method, path: head.target, httpVersion: head.version, rawHeaders: head.rawHeaders,
        }, stats);
      }
    }
    if (route) {
      let stream: ClientHttp2Stream | undefined;
      try {
        stream = route.client.openStream(x.upgrade ? streamPaths.upgrade : streamPaths.http1, {
          registration: route.reg.id, port: mapping.appPort, protocol: x.upgrade ? 'ws' : 'http1',
          remote: remoteOf(caller), method: head.method, path: head.target, httpVersion: head.version, rawHeaders: head.rawHeaders,
        }, !x.upgrade);
      } catch {
        stream = undefined; // the tunnel just closed: fail open to the app
      }
      if (stream) {
        stats.intercepted++;
        x.toApp = false;
        x.tunnel = exchangeViaTunnel({
          caller, head, stream, clientName: route.client.name, callerClose: x.close,
          onDone: (close) => { x.responseDone = true; if (close) x.close = true; finishIfDone(); },
          onUpgraded: (s) => pipeTo(s, Buffer.alloc(0)),
          onDrain: resumeCaller,
        });
      }
    }
    if (x.toApp) {
      stats.passthroughRequests++;
      if (!app) useApp(connectApp());
      if (appUses++ > 0 && IDEMPOTENT.has(head.method) && framing.kind === 'none' && !x.upgrade) x.retry = headBytes;
      app!.write(headBytes);
    }
    if (x.upgrade) {
      // After an accepted upgrade the bytes are no longer HTTP: nothing more is read until the
      // answer, and the upgrade's tunnel stream stays open for them.
      x.requestDone = true;
      caller.pause();
      return false;
    }
    if (framing.kind !== 'none') {
      requestBody = new BodyReader(framing);
    } else {
      x.requestDone = true;
      x.tunnel?.end([]);
      x.mirror?.end([]);
    }
    return true;
  }

  function finishIfDone(): void {
    const x = current;
    if (!x || !x.requestDone || !x.responseDone) return;
    current = undefined;
    if (x.close || draining) return closeBoth();
    resumeCaller();
  }

  function resumeCaller(): void {
    if (closed || piping) return;
    // resume() on a flowing socket still queues a tick: after every exchange, most are not paused.
    if (caller.isPaused()) caller.resume();
    pump();
  }

  function connectApp(): net.Socket {
    return net.connect({ host: deps.appHost, port: mapping.appPort, noDelay: true });
  }

  function useApp(socket: net.Socket): void {
    app = socket;
    appUses = 0;
    appBuf = Buffer.alloc(0);
    let connected = !socket.connecting;
    socket.once('connect', () => { connected = true; });
    socket.on('data', (chunk: Buffer) => { if (app === socket) onAppData(chunk); });
    socket.on('error', (err) => {
      if (app !== socket) return;
      refusedWhileStopping(mapping.agentPort, err);
      onAppGone(err.message, connected);
    });
    socket.on('close', () => { if (app === socket) onAppGone('the connection closed', connected); });
    socket.resume();
  }

  function onAppData(chunk: Buffer): void {
    const x = current;
    if (!x || !x.toApp) {
      // The app spoke while none of its requests is in flight (a 408 before closing, say): as a
      // plain pipe would, the caller hears it, unless a laptop's answer is being written.
      if (!x) caller.write(chunk);
      return;
    }
    appBuf = appBuf.length === 0 ? chunk : Buffer.concat([appBuf, chunk]);
    while (appBuf.length > 0 && current === x && !piping) {
      if (!responseBody) {
        const parsed = parseResponseHead(appBuf, RESPONSE_HEAD_LIMIT, true);
        if (parsed.kind === 'need-more') break;
        if (parsed.kind !== 'ok') {
          flushToCaller();
          return pipeTo(app!, Buffer.alloc(0)); // not HTTP after all: bytes as they are
        }
        const bytes = appBuf.subarray(0, parsed.head.size);
        appBuf = appBuf.subarray(parsed.head.size);
        x.answered = true;
        if (answerCloses(parsed.head)) x.close = true;
        toCaller(bytes);
        const status = parsed.head.status;
        if ((status === 101 && x.upgrade) || (x.head.method === 'CONNECT' && status >= 200 && status < 300)) {
          const rest = appBuf;
          appBuf = Buffer.alloc(0);
          flushToCaller();
          return pipeTo(app!, rest);
        }
        if (status < 200) continue; // 100 Continue and other interim answers: the final one follows
        responseBody = new BodyReader(responseFraming(parsed.head, x.head.method));
        if (responseBody.done) responseDone(x);
        continue;
      }
      const step = responseBody.feed(appBuf);
      const bytes = appBuf.subarray(0, step.consumed);
      appBuf = appBuf.subarray(step.consumed);
      toCaller(bytes);
      if (step.error) {
        flushToCaller();
        return pipeTo(app!, appBuf);
      }
      if (step.done) responseDone(x);
    }
    flushToCaller();
  }

  /**
   * The app's bytes for the caller, gathered while one chunk from the app is parsed: a head and
   * the body after it (usually one chunk) go out in one write, one TCP segment, as the app sent
   * them, rather than a write (and a wake-up of the caller) for each part.
   */
  function toCaller(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (outgoing && outgoing.buffer === bytes.buffer && outgoing.byteOffset + outgoing.length === bytes.byteOffset) {
      outgoing = Buffer.from(outgoing.buffer, outgoing.byteOffset, outgoing.length + bytes.length);
      return;
    }
    flushToCaller();
    outgoing = bytes;
  }

  function flushToCaller(): void {
    if (!outgoing) return;
    const bytes = outgoing;
    outgoing = undefined;
    writeToCaller(bytes);
  }

  function writeToCaller(bytes: Buffer): void {
    if (bytes.length === 0 || caller.write(bytes)) return;
    const source = app;
    source?.pause();
    caller.once('drain', () => source?.resume());
  }

  function responseDone(x: Exchange): void {
    flushToCaller();
    responseBody = undefined;
    x.responseDone = true;
    finishIfDone();
  }

  function onAppGone(reason: string, wasConnected: boolean): void {
    const x = current;
    app = undefined;
    if (closed || piping) return;
    if (x && x.toApp) {
      if (!x.answered && x.retry) {
        // The app closed a kept-alive connection as this request went out (its idle timeout, or
        // it is stopping): nothing was answered, so it is sent once more on a new connection.
        const again = x.retry;
        x.retry = undefined;
        useApp(connectApp());
        appUses = 1;
        app!.write(again);
        return;
      }
      x.close = true;
      if (x.responseDone) return finishIfDone();
      if (responseBody?.endOfInput()) {
        x.requestDone = true;
        return responseDone(x);
      }
      // The app closed the connection with the request unanswered (it is stopping, or it
      // crashed): the caller's connection ends as the app ended it, as it would without the agent.
      if (x.answered || wasConnected) return void caller.destroy();
      // The app could not be reached as the pod stops: the caller's connection is reset, as the
      // app's closed port would have refused it, rather than answered 502 (a balancer retries a
      // reset before any answer, not a 502).
      if (isStopping()) return void caller.resetAndDestroy();
      caller.write(errorAnswer(502, `kubectl-intercept agent: the app at ${deps.appHost}:${mapping.appPort} did not answer (${reason}).\n`));
      return closeBoth();
    }
    // The app ended an idle connection (its keep-alive timeout, say): the caller's ends too, as it
    // would without the agent. While a laptop answers, or when the app could not be reached before
    // any request, a later request for the app connects again instead.
    if (!x && wasConnected) closeBoth();
  }

  function pipeTo(other: net.Socket | ClientHttp2Stream, toCaller: Buffer): void {
    piping = true;
    caller.removeListener('data', onCallerData);
    caller.removeListener('end', onCallerEnd);
    if (toCaller.length > 0) caller.write(toCaller);
    if (pending.length > 0) other.write(pending);
    pending = Buffer.alloc(0);
    if (other === app) app?.removeAllListeners('data');
    pipeBoth(caller, other);
    caller.resume();
  }

  function refuse(status: number, body: string): void {
    if (current) return void caller.destroy();
    caller.write(errorAnswer(status, body));
    closeBoth();
  }

  function onCallerEnd(): void {
    if (!current) return closeBoth();
    // Half-closed mid-request: the app gets the end too; what it answers still reaches the caller.
    if (current.toApp) app?.end();
  }

  function onCallerClose(): void {
    closed = true;
    relays.delete(drain);
    current?.tunnel?.abort();
    app?.destroy();
  }

  function closeBoth(): void {
    if (closed) return;
    closed = true;
    caller.end();
    app?.end();
  }
}
