// openTunnel: one tunnel to the agent of one pod. Dials, authenticates, registers, serves traffic,
// and after a drop reconnects with backoff and registers again, reporting its state as events.
import { clusterError, userError } from '../errors.js';
import { AgentConnection, DialError, RefusedError } from './connection.js';
import { asSocket } from './socket-bridge.js';
import type { LocalRegistration, LocalTarget, PortCounts, Registration, ReconnectPolicy, TunnelEvent, TunnelOptions, TunnelSession, TunnelState } from './types.js';

const defaultPolicy: ReconnectPolicy = { initialDelayMs: 200, maxDelayMs: 5000, giveUpAfterMs: 120_000 };
/** How long a closing tunnel waits for the answers of requests in flight. */
const DRAIN_MS = 2000;

/** What the agent is told of a registration: not where its traffic goes on this machine. */
function onWire({ localTarget: _local, ...reg }: LocalRegistration): Registration {
  return reg;
}

export async function openTunnel(options: TunnelOptions): Promise<TunnelSession> {
  const policy = { ...defaultPolicy, ...options.reconnect };
  const regs = new Map<string, LocalRegistration>(options.registrations.map((r) => [r.id, r]));
  // A stream for a registration already gone (unregistered while in flight) goes to the default.
  const targetOf = (registration: string): LocalTarget => regs.get(registration)?.localTarget ?? options.localTarget;
  let state: TunnelState = 'connecting';
  let env: Record<string, string> = {};
  let conn: AgentConnection | undefined;
  let closing = false;
  let wake: (() => void) | undefined;

  function emit(event: TunnelEvent): void {
    try {
      options.onEvent(event);
    } catch {
      // A failing listener must not break the data plane.
    }
  }
  function setState(next: TunnelState, extra: { attempt?: number; reason?: string } = {}): void {
    state = next;
    emit({ type: 'state', pod: options.pod, state: next, ...extra });
  }

  /** Dials and authenticates; registers what it must. Throws RefusedError or a connection error. */
  async function connectOnce(initial: boolean): Promise<AgentConnection> {
    const duplex = await asSocket(await options.dial());
    const c = new AgentConnection(duplex, {
      token: options.token, clientName: options.clientName, interceptName: options.interceptName, pod: options.pod, localTarget: targetOf,
      bodyPreviewBytes: options.bodyPreviewBytes ?? 0, keepSecrets: options.keepSecrets ?? false, emit,
    });
    try {
      const welcome = await c.ready;
      env = welcome.env;
      for (const reg of [...regs.values()]) {
        const reply = await c.request({ t: 'register', reg: onWire(reg) });
        if (reply.ok) continue;
        if (initial) throw userError(`cannot intercept port ${reg.port} on pod ${options.pod}: ${reply.error}`, 'Leave the other intercept first, or use a different --http-header/--path match.');
        regs.delete(reg.id);
        emit({ type: 'warning', pod: options.pod, code: 'registration-lost', message: `after reconnecting, intercept ${reg.id} was refused: ${reply.error}` });
      }
      return c;
    } catch (err) {
      c.close();
      throw err;
    }
  }

  async function holdAndReconnect(first: AgentConnection): Promise<void> {
    let current = first;
    for (;;) {
      const reason = await current.closed;
      if (closing) return;
      const since = Date.now();
      let attempt = 0;
      let next: AgentConnection | undefined;
      while (!next) {
        attempt++;
        if (closing) return;
        if (Date.now() - since > policy.giveUpAfterMs) {
          setState('failed', { reason: `no tunnel to pod ${options.pod} for ${Math.round(policy.giveUpAfterMs / 1000)} s: ${reason}` });
          return;
        }
        setState('reconnecting', { attempt, reason });
        await sleep(Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4));
        if (closing) return;
        try {
          next = await connectOnce(false);
        } catch (err) {
          if (err instanceof RefusedError) {
            setState('failed', { reason: err.message });
            return;
          }
        }
      }
      if (closing) return void next.close();
      conn = current = next;
      setState('active', { reason: `reconnected after ${attempt} attempt${attempt === 1 ? '' : 's'}, registered again` });
    }
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => { clearTimeout(t); resolve(); };
    });
  }

  setState('connecting');
  try {
    conn = await connectOnce(true);
  } catch (err) {
    setState('failed', { reason: (err as Error).message });
    if (err instanceof RefusedError) throw clusterError(err.message, 'Check that the agent in the pod and this kubectl-intercept come from the same install.');
    if (err instanceof Error && err.name === 'InterceptError') throw err;
    throw clusterError(`cannot open a tunnel to pod ${options.pod}: ${(err as Error).message}`, 'Check that the pod is running and its agent container is ready.');
  }
  setState('active');
  const held = holdAndReconnect(conn);

  async function control(msg: Parameters<AgentConnection['request']>[0]) {
    if (!conn || state !== 'active') throw clusterError(`the tunnel to pod ${options.pod} is ${state}`, 'Wait for it to reconnect.');
    return conn.request(msg);
  }

  return {
    pod: options.pod,
    state: () => state,
    env: () => ({ ...env }),
    registrations: () => [...regs.values()],
    async register(reg: LocalRegistration): Promise<void> {
      const reply = await control({ t: 'register', reg: onWire(reg) });
      if (!reply.ok) throw userError(`cannot intercept port ${reg.port} on pod ${options.pod}: ${reply.error}`);
      regs.set(reg.id, reg);
    },
    async unregister(id: string): Promise<void> {
      regs.delete(id);
      if (conn && state === 'active') await conn.request({ t: 'unregister', id });
    },
    dial(host: string, port: number) {
      if (!conn || state !== 'active') return Promise.reject(new DialError(`the tunnel to pod ${options.pod} is ${state}`, 'ECONNRESET', options.pod));
      return conn.dial(host, port);
    },
    async stats(): Promise<PortCounts[]> {
      const reply = await control({ t: 'stats' });
      return reply.counts ?? [];
    },
    async close(reason?: string): Promise<void> {
      if (closing) return;
      closing = true;
      wake?.();
      const c = conn;
      if (c && state === 'active') {
        await Promise.race([
          Promise.all([...regs.keys()].map((id) => c.request({ t: 'unregister', id }))),
          new Promise((resolve) => setTimeout(resolve, 1000).unref()),
        ]);
        // No new request comes now; those in flight get their answers before the tunnel closes.
        await Promise.race([c.drained(), new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
      }
      c?.close();
      await held;
      setState('closed', reason ? { reason } : {});
    },
  };
}
