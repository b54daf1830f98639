// Outbound connections for the laptop (decision 13): an authenticated client asks with `dial`, the
// agent connects from the pod, so the pod's resolver, NetworkPolicies, mesh and egress rules apply
// as they would to the app, and opens an `outbound` stream toward the client that carries the
// bytes. A failure is a reply with the socket's code. Only the control connection of a client that
// presented the credential ever reaches this file: an agent is never an open proxy for the cluster.
import type { ClientHttp2Stream } from 'node:http2';
import net from 'node:net';
import { log } from './log.js';
import { pipeBoth } from './passthrough.js';
import type { AgentMessage, DialErrorCode, OutboundMeta } from '../protocol/wire.js';

export interface OutboundLimits {
  /** A dial that has not connected by then fails with ETIMEDOUT. */
  timeoutMs: number;
  /** Dials waiting for DNS or a handshake at once, per client: a runaway client cannot exhaust the pod. */
  maxPending: number;
  /** Open outbound connections per client. */
  maxOpen: number;
}

export const OUTBOUND_LIMITS: Omit<OutboundLimits, 'timeoutMs'> = { maxPending: 64, maxOpen: 1024 };

type Reply = Extract<AgentMessage, { t: 'reply' }>;

export interface OutboundClient {
  name: string;
  openStream(meta: OutboundMeta): ClientHttp2Stream;
  reply(msg: Reply): void;
}

const MAX_HOST_LENGTH = 253;

export class OutboundDialer {
  private pending = 0;
  private readonly open = new Set<net.Socket>();

  constructor(private readonly client: OutboundClient, private readonly limits: OutboundLimits, private readonly logRequests: boolean) {}

  dial(rid: number, host: unknown, port: unknown): void {
    const fail = (code: DialErrorCode, error: string) => this.client.reply({ t: 'reply', rid, ok: false, code, error });
    if (typeof host !== 'string' || host === '' || host.length > MAX_HOST_LENGTH || /[\s\x00-\x1f]/.test(host)) {
      return fail('EINVAL', `${JSON.stringify(host)} is not a host name or address`);
    }
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      return fail('EINVAL', `${JSON.stringify(port)} is not a port (1-65535)`);
    }
    if (this.pending >= this.limits.maxPending) {
      return fail('ELIMIT', `${this.limits.maxPending} connections are already being dialed for this client; wait for them or close some`);
    }
    if (this.open.size >= this.limits.maxOpen) {
      return fail('ELIMIT', `this client already has ${this.limits.maxOpen} outbound connections open through this pod; close some`);
    }
    this.pending++;
    const started = Date.now();
    const socket = net.connect({ host, port, noDelay: true });
    let settled = false;
    const timer = setTimeout(() => onFailure(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), this.limits.timeoutMs);
    const settle = () => { settled = true; this.pending--; clearTimeout(timer); };

    const onFailure = (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settle();
      socket.destroy();
      const code = err.code ?? 'EUNKNOWN';
      if (this.logRequests) log('outbound-failed', { client: this.client.name, host, port, code });
      // The reason alone: the client knows what it asked for and says so itself.
      fail(code, explain(code, err, this.limits.timeoutMs));
    };
    socket.once('error', onFailure);
    socket.once('connect', () => {
      if (settled) return;
      settle();
      socket.off('error', onFailure);
      socket.on('error', () => undefined);
      const address = hostPort(socket.remoteAddress ?? host, socket.remotePort ?? port);
      let stream: ClientHttp2Stream;
      try {
        stream = this.client.openStream({ rid, address });
      } catch {
        return void socket.destroy();
      }
      stream.on('error', () => socket.destroy());
      this.open.add(socket);
      socket.once('close', () => this.open.delete(socket));
      if (this.logRequests) log('outbound', { client: this.client.name, host, port, address, connectMs: Date.now() - started });
      pipeBoth(stream, socket);
    });
  }

  /** The client is gone: its outbound connections end with it. */
  closeAll(): void {
    for (const s of this.open) s.destroy();
    this.open.clear();
  }
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function explain(code: string, err: Error, timeoutMs: number): string {
  switch (code) {
    case 'ENOTFOUND': return 'the pod\'s resolver does not know this name (ENOTFOUND)';
    case 'EAI_AGAIN': return 'the pod\'s resolver did not answer (EAI_AGAIN)';
    case 'ECONNREFUSED': return 'nothing listens there (ECONNREFUSED)';
    case 'ETIMEDOUT': return `no answer within ${Math.round(timeoutMs / 1000)} s (ETIMEDOUT)`;
    case 'EHOSTUNREACH': case 'ENETUNREACH': return `no route from the pod (${code})`;
    default: return err.message;
  }
}
