// The control port: a client dials it (through a port-forward), the agent speaks HTTP/2 as the
// client on that socket so it can open streams toward the laptop, authenticates the client on a
// control stream, takes registrations, and drops them all when the client stops answering pings.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import http2, { type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import net from 'node:net';
import type { AgentConfig } from './config.js';
import { log } from './log.js';
import { OUTBOUND_LIMITS, OutboundDialer } from './outbound.js';
import {
  encodeLine, encodeMeta, lineReader, META_HEADER, PROTOCOL_VERSION, SESSION_WINDOW, STREAM_WINDOW, streamPaths,
  type AgentMessage, type ClientMessage, type OutboundMeta, type PortCounts, type RequestMeta,
} from '../protocol/wire.js';
import type { ClientHandle, Registry } from './registry.js';

export interface ControlDeps {
  config: AgentConfig;
  registry: Registry;
  env: Record<string, string>;
  agentVersion: string;
  counts(): PortCounts[];
}

const HELLO_TIMEOUT_MS = 5000;

export function startControlServer(deps: ControlDeps): Promise<net.Server> {
  const server = net.createServer({ noDelay: true }, function onControlConnection(socket) {
    serveClient(socket, deps);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.config.controlPort, deps.config.controlHost, () => resolve(server));
  });
}

/** Constant-time comparison of the presented credential with the configured one. */
export function tokenMatches(presented: unknown, expected: string): boolean {
  if (expected === '' || typeof presented !== 'string') return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function serveClient(socket: net.Socket, deps: ControlDeps): void {
  const remote = `${socket.remoteAddress}:${socket.remotePort}`;
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const session: ClientHttp2Session = http2.connect('http://intercept-client', {
    createConnection: () => socket,
    settings: { initialWindowSize: STREAM_WINDOW, enablePush: false },
    // Node's 10 MB default is below what a full connection window may hold.
    maxSessionMemory: 64,
  });
  session.on('error', () => undefined);
  session.on('connect', () => session.setLocalWindowSize(SESSION_WINDOW));
  const control = session.request({ ':method': 'POST', ':path': streamPaths.control }, { endStream: false });
  control.on('error', () => undefined);
  const send = (msg: AgentMessage) => { if (!control.destroyed) control.write(encodeLine(msg)); };

  let handle: ClientHandle | undefined;
  // Created only once the credential matched: nothing before hello can dial.
  let outbound: OutboundDialer | undefined;
  let closed = false;
  let lastPong = Date.now();
  const helloTimer = setTimeout(() => refuse('no hello within 5 s'), HELLO_TIMEOUT_MS);

  function refuse(reason: string): void {
    log('client-refused', { remote, reason });
    send({ t: 'refused', reason });
    control.end();
    setTimeout(() => socket.destroy(), 100).unref();
  }

  function onMessage(msg: ClientMessage): void {
    if (!handle) {
      if (msg.t !== 'hello') return refuse('the first message must be hello');
      clearTimeout(helloTimer);
      if (!tokenMatches(msg.token, deps.config.token)) {
        return refuse(deps.config.token === '' ? 'this agent has no credential configured (INTERCEPT_TOKEN)' : 'wrong credential');
      }
      if (msg.version !== PROTOCOL_VERSION) return refuse(`protocol version ${msg.version} is not supported (agent speaks ${PROTOCOL_VERSION}): use a matching kubectl-intercept`);
      handle = makeHandle(session, String(msg.client || 'unnamed client'), typeof msg.intercept === 'string' ? msg.intercept : undefined);
      outbound = new OutboundDialer({
        name: handle.name, reply: send,
        openStream: (meta: OutboundMeta) => openOutboundStream(session, meta),
      }, { ...OUTBOUND_LIMITS, timeoutMs: deps.config.dialTimeoutMs }, deps.config.logRequests);
      log('client-connected', { client: handle.name, id: handle.id, remote });
      send({ t: 'welcome', agent: deps.agentVersion, env: deps.env, ports: deps.config.ports });
      return;
    }
    if (msg.t === 'register') {
      const error = deps.registry.register(handle, msg.reg);
      log(error ? 'register-refused' : 'registered', { client: handle.name, id: msg.reg?.id, port: msg.reg?.port, reason: error });
      send({ t: 'reply', rid: msg.rid, ok: !error, error });
    } else if (msg.t === 'unregister') {
      const removed = deps.registry.unregister(handle, msg.id);
      if (removed) log('unregistered', { client: handle.name, id: msg.id });
      send({ t: 'reply', rid: msg.rid, ok: true });
    } else if (msg.t === 'stats') {
      send({ t: 'reply', rid: msg.rid, ok: true, counts: deps.counts() });
    } else if (msg.t === 'dial') {
      outbound?.dial(msg.rid, msg.host, msg.port);
    }
  }
  control.on('data', lineReader<ClientMessage>(onMessage));

  // Dropped the moment it has been silent for the ping timeout, not at the next ping tick: a
  // laptop that went to sleep loses its traffic to the app within that time of its last answer.
  const silence = setTimeout(function clientSilent() {
    log('client-timeout', { client: handle?.name, remote, silentMs: Date.now() - lastPong });
    // The socket first: its close then destroys the session, which has nothing left to flush (a
    // session destroyed with streams' data queued can loop in Node's send path: AgentConnection.close).
    socket.destroy();
  }, deps.config.pingTimeoutMs);
  const pinger = setInterval(function pingClient() {
    if (!session.destroyed && !session.connecting) {
      try {
        session.ping((err) => {
          if (err) return;
          lastPong = Date.now();
          silence.refresh();
        });
      } catch {
        // Too many unacknowledged pings: the silence timer decides.
      }
    }
  }, deps.config.pingIntervalMs);

  function onGone(): void {
    if (closed) return;
    closed = true;
    clearInterval(pinger);
    clearTimeout(silence);
    clearTimeout(helloTimer);
    outbound?.closeAll();
    if (handle) {
      const dropped = deps.registry.dropClient(handle);
      log('client-disconnected', { client: handle.name, id: handle.id, droppedRegistrations: dropped });
    }
    socket.destroy();
  }
  session.on('close', onGone);
  socket.on('close', () => { session.destroy(); onGone(); });
}

function openOutboundStream(session: ClientHttp2Session, meta: OutboundMeta): ClientHttp2Stream {
  if (session.destroyed || session.closed) throw new Error('the tunnel is closed');
  return session.request({ ':method': 'POST', ':path': streamPaths.outbound, [META_HEADER]: encodeMeta(meta) }, { endStream: false });
}

function makeHandle(session: ClientHttp2Session, name: string, intercept: string | undefined): ClientHandle {
  return {
    id: randomUUID(),
    name,
    ...(intercept ? { intercept } : {}),
    openStream(path: string, meta: RequestMeta, waitForTrailers: boolean): ClientHttp2Stream {
      if (session.destroyed || session.closed) throw new Error(`the tunnel to ${name} is closed`);
      return session.request(
        { ':method': 'POST', ':path': path, [META_HEADER]: encodeMeta(meta) },
        { endStream: false, waitForTrailers },
      );
    },
  };
}
