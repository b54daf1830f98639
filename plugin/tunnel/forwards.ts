// `--forward SERVICE:PORT[:LOCAL_PORT]` and the service-link ports: a plain local TCP listener per
// destination, for clients that ignore proxies (database drivers, gRPC). Each connection is dialed
// by an agent from the pod; one that cannot be made is reset, and its event says why.
import { formatDestination, OutboundRecord, relayOutbound, type OutboundContext } from './outbound-relay.js';
import { listenLoopback, type LocalListener } from './outbound-proxy.js';

export interface ForwardSpec {
  /** As the pod will resolve it: `users`, `users.default.svc`, a cluster IP. */
  host: string;
  port: number;
  /** 0 = any free port. */
  localPort: number;
}

export function startForward(spec: ForwardSpec, ctx: OutboundContext): Promise<LocalListener> {
  const destination = formatDestination(spec.host, spec.port);
  return listenLoopback(spec.localPort, `--forward ${destination}`, function forward(socket) {
    socket.pause();
    const record = new OutboundRecord('forward', destination, ctx.emit);
    ctx.dial(spec.host, spec.port).then((dial) => {
      if (socket.destroyed) { dial.stream.destroy(); return record.finish(new Error('the local client went away while the pod was connecting')); }
      relayOutbound(socket, dial, record);
    }, (err: unknown) => {
      record.finish(err);
      socket.resetAndDestroy();
    });
  });
}
