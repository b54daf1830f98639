// One agent port. Every connection's first bytes decide between the HTTP/1 relay, the HTTP/2
// router and raw TCP, whether or not the port has registrations when it connects: HTTP requests
// and streams are routed one by one for the connection's whole life (DESIGN decision 11), so a
// client that connected before an intercept is caught by it. Only raw TCP keeps the decision it
// got when it connected.
import net from 'node:net';
import type { AgentConfig, PortMapping } from './config.js';
import { createH2Router } from './h2.js';
import { relayHttp1 } from './http1-relay.js';
import { log } from './log.js';
import { pipeBoth } from './passthrough.js';
import { streamPaths } from '../protocol/wire.js';
import type { Registry } from './registry.js';
import { sniff, type SniffResult } from './sniff.js';
import type { PortStats } from './stats.js';

export function startPortListener(mapping: PortMapping, config: AgentConfig, registry: Registry, stats: PortStats): Promise<net.Server> {
  const deps = { mapping, appHost: config.appHost, registry, stats, logRequests: config.logRequests };
  const h2 = createH2Router(deps);

  /** Raw TCP: to the global intercept's laptop if there is one, else to the app, for its whole life. */
  function raw(socket: net.Socket, head: Buffer, app: net.Socket, fromApp: Buffer): void {
    const global = registry.globalRoute(mapping.agentPort);
    if (global && fromApp.length === 0) {
      try {
        const stream = global.client.openStream(streamPaths.tcp, {
          registration: global.reg.id, port: mapping.appPort, protocol: 'tcp',
          remote: `${socket.remoteAddress}:${socket.remotePort}`,
        }, false);
        stats.intercepted++;
        app.destroy();
        if (head.length > 0) stream.write(head);
        pipeBoth(socket, stream);
        return;
      } catch {
        // tunnel closed: pass through
      }
    }
    stats.passthroughConnections++;
    if (fromApp.length > 0) socket.write(fromApp);
    if (head.length > 0) app.write(head);
    pipeBoth(socket, app);
  }

  const server = net.createServer({ noDelay: true }, function onCallerConnection(socket) {
    socket.on('error', () => undefined);
    // The app connection is opened at once, as a plain pipe would: a protocol where the server
    // speaks first (SMTP, MySQL, SSH) is known by the app's greeting and needs no sniff timeout.
    const app = net.connect({ host: config.appHost, port: mapping.appPort, noDelay: true });
    app.on('error', () => undefined);
    app.pause();
    let head: Buffer = Buffer.alloc(0);
    let decided = false;
    const timer = setTimeout(() => decide('other'), config.sniffTimeoutMs);
    function onData(chunk: Buffer): void {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const kind = sniff(head);
      if (kind !== 'need-more') decide(kind);
    }
    let appFirst: Buffer = Buffer.alloc(0);
    function onAppGreeting(): void {
      const greeting = app.read() as Buffer | null;
      if (!greeting) return;
      appFirst = appFirst.length === 0 ? greeting : Buffer.concat([appFirst, greeting]);
      // An HTTP/2 server sends its SETTINGS at once without waiting for the client (RFC 9113
      // §3.4), so that is no sign of a server-first protocol: the caller's bytes still decide.
      if (!isH2Settings(appFirst)) decide('other', appFirst);
    }
    function decide(kind: SniffResult, fromApp: Buffer = appFirst): void {
      if (decided) return;
      decided = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      app.removeListener('readable', onAppGreeting);
      socket.pause();
      if (kind === 'http1') return relayHttp1(socket, head, deps, app);
      if (kind === 'h2') {
        app.destroy(); // the HTTP/2 router holds its own session to the app
        // The session takes the sniffed bytes from the socket's buffer before reading its handle
        // (lib/internal/http2/core.js, nodejs/node#35475), and a native socket keeps HTTP/2's
        // framing in C++: through a JS stream wrapper the pass-through kept a third fewer req/s.
        socket.unshift(head);
        return h2(socket);
      }
      raw(socket, head, app, fromApp);
    }
    function onEnd(): void {
      // Connected and closed without a byte: a kubelet tcpSocket probe, say. The app saw such
      // connections before the agent, so it sees them still.
      if (head.length === 0) {
        decided = true;
        clearTimeout(timer);
        stats.passthroughConnections++;
        app.end();
        return;
      }
      decide('other');
    }
    socket.on('data', onData);
    socket.on('end', onEnd);
    app.on('readable', onAppGreeting);
  });
  return listenDualStack(server, mapping.agentPort, config.listenHost).then((host) => {
    log('listening', { agentPort: mapping.agentPort, host, appPort: mapping.appPort, app: `${config.appHost}:${mapping.appPort}` });
    return server;
  });
}

/**
 * `::` takes IPv4 and IPv6 callers alike (IPV6_V6ONLY is off by default on Linux), so the agent
 * is ready on IPv4, IPv6 and dual-stack clusters; a node without IPv6 refuses `::`, and then
 * `0.0.0.0` serves its IPv4 callers.
 */
function listenDualStack(server: net.Server, port: number, host: string): Promise<string> {
  const attempt = (h: string) => new Promise<string>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, h, () => {
      server.removeListener('error', onError);
      resolve(h);
    });
  });
  if (host !== '::') return attempt(host);
  return attempt('::').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EAFNOSUPPORT' && err.code !== 'EADDRNOTAVAIL') throw err;
    return attempt('0.0.0.0');
  });
}

/** The start of an HTTP/2 server preface: a SETTINGS frame (type 4) on stream 0 (RFC 9113 §6.5). */
function isH2Settings(buf: Buffer): boolean {
  if (buf.length >= 9) return buf[3] === 4 && (buf.readUInt32BE(5) & 0x7fffffff) === 0;
  // Judged on what came so far: a SETTINGS payload is short, so its length starts with 0.
  return buf.length > 0 && buf[0] === 0 && (buf.length < 4 || buf[3] === 4);
}
