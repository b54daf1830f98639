// One agent port: idle connections pass straight through; on an intercepted port the first bytes
// decide between the HTTP/1 router, the HTTP/2 router and raw TCP.
import net from 'node:net';
import type { AgentConfig, PortMapping } from './config.js';
import { createH2Router } from './h2.js';
import { createHttp1Router } from './http1.js';
import { log } from './log.js';
import { passThrough, pipeBoth, withPrefix } from './passthrough.js';
import { streamPaths } from '../protocol/wire.js';
import type { Registry } from './registry.js';
import { sniff, type SniffResult } from './sniff.js';
import type { PortStats } from './stats.js';

export function startPortListener(mapping: PortMapping, config: AgentConfig, registry: Registry, stats: PortStats): Promise<net.Server> {
  const deps = { mapping, appHost: config.appHost, registry, stats, logRequests: config.logRequests };
  const http1 = createHttp1Router(deps);
  const h2 = createH2Router(deps);

  function dispatch(socket: net.Socket, head: Buffer, kind: SniffResult): void {
    if (kind === 'http1') {
      socket.unshift(head);
      http1.emit('connection', socket);
      socket.resume();
      return;
    }
    if (kind === 'h2') return h2(withPrefix(socket, head));
    const global = registry.globalRoute(mapping.agentPort);
    if (global) {
      try {
        const stream = global.client.openStream(streamPaths.tcp, {
          registration: global.reg.id, port: mapping.appPort, protocol: 'tcp',
          remote: `${socket.remoteAddress}:${socket.remotePort}`,
        }, false);
        stats.intercepted++;
        if (head.length > 0) stream.write(head);
        pipeBoth(socket, stream);
        return;
      } catch {
        // tunnel closed: pass through
      }
    }
    stats.passthroughConnections++;
    passThrough(socket, head, config.appHost, mapping.appPort);
  }

  const server = net.createServer({ noDelay: true }, function onCallerConnection(socket) {
    socket.on('error', () => undefined);
    if (!registry.isIntercepted(mapping.agentPort)) {
      stats.passthroughConnections++;
      passThrough(socket, Buffer.alloc(0), config.appHost, mapping.appPort);
      return;
    }
    let head: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => decide('other'), config.sniffTimeoutMs);
    function onData(chunk: Buffer): void {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const kind = sniff(head);
      if (kind !== 'need-more') decide(kind);
    }
    function decide(kind: SniffResult): void {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.pause();
      dispatch(socket, head, kind === 'need-more' ? 'other' : kind);
    }
    function onEnd(): void {
      // Connected and closed without a byte: a kubelet tcpSocket probe, say. There is nothing to
      // route, and the app saw such connections before the intercept, so it sees them still.
      if (head.length === 0) {
        clearTimeout(timer);
        socket.removeListener('data', onData);
        stats.passthroughConnections++;
        passThrough(socket, head, config.appHost, mapping.appPort);
        return;
      }
      decide('other');
    }
    socket.on('data', onData);
    socket.on('end', onEnd);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(mapping.agentPort, config.listenHost, () => {
      log('listening', { agentPort: mapping.agentPort, appPort: mapping.appPort, app: `${config.appHost}:${mapping.appPort}` });
      resolve(server);
    });
  });
}
