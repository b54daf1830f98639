// One tunnel per ready pod of the workload (decision 6): follows pods as they come and go (a pod
// that goes away closes its tunnel; the intercept goes on through the others) and merges every
// tunnel's events, tagged with the pod, into the engine's stream.
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { InterceptError } from '../errors.js';
import type { PodDialer } from '../kube/port-forward.js';
import { openTunnel } from '../tunnel/tunnel.js';
import type { LocalTarget, Registration, TunnelEvent, TunnelSession } from '../tunnel/types.js';
import type { EngineEvent } from './events.js';
import { AGENT_CONTAINER, CONTROL_PORT } from './takeover.js';

export interface PodTunnelsOptions {
  core: CoreV1Api;
  namespace: string;
  /** Label selector of the workload's pods. */
  selector: string;
  dial: PodDialer;
  token: string;
  clientName: string;
  registration: Registration;
  localTarget: LocalTarget;
  emit: (e: EngineEvent) => void;
  bodyPreviewBytes?: number;
  /** How often to look at the pods even without news from `watchPods`. */
  pollMs?: number;
  /** Calls back when the pods change (a watch), for a quick reaction; returns the stop function. */
  watchPods?: (onChange: () => void) => () => void;
}

/** A pod whose agent can take a tunnel: running, not going away, agent container ready. */
export function tunnelable(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp || pod.status?.phase !== 'Running') return false;
  return (pod.status?.containerStatuses ?? []).some((c) => c.name === AGENT_CONTAINER && c.ready);
}

export class PodTunnels {
  private readonly sessions = new Map<string, Promise<TunnelSession | undefined>>();
  private timer: NodeJS.Timeout | undefined;
  private stopWatch: (() => void) | undefined;
  private syncing: Promise<void> | undefined;
  private closed = false;
  private firstError: InterceptError | undefined;
  private activeOnce = false;

  constructor(private readonly opts: PodTunnelsOptions) {}

  /** Follows the pods; resolves once one tunnel is up and registered, rejects on a refusal. */
  async start(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.sync();
      await Promise.all(this.sessions.values());
      if (this.activeOnce) break;
      if (this.firstError) throw this.firstError;
      if (Date.now() > deadline) throw new InterceptError('cluster', `no pod of the workload had a ready agent to tunnel to within ${Math.round(timeoutMs / 1000)} s`, 'check the pods with kubectl get pods');
      await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 1000));
    }
    const follow = () => {
      if (this.closed) return;
      this.timer = setTimeout(() => void this.syncOnce().finally(follow), this.opts.pollMs ?? 1000);
    };
    follow();
    this.stopWatch = this.opts.watchPods?.(() => void this.syncOnce());
  }

  /** One look at a time; a change seen while looking is picked up by the next one. */
  private syncOnce(): Promise<void> {
    this.syncing ??= this.sync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  pods(): string[] {
    return [...this.sessions.keys()];
  }

  /** The app's environment, as the first connected agent reported it. */
  async env(): Promise<Record<string, string>> {
    for (const p of this.sessions.values()) {
      const s = await p;
      if (s) return s.env();
    }
    return {};
  }

  private async sync(): Promise<void> {
    if (this.closed) return;
    let pods: V1Pod[];
    try {
      pods = (await this.opts.core.listNamespacedPod({ namespace: this.opts.namespace, labelSelector: this.opts.selector })).items;
    } catch (err) {
      this.opts.emit({ type: 'warning', code: 'pods-unavailable', message: `cannot list the workload's pods: ${(err as Error).message}` });
      return;
    }
    const wanted = new Set(pods.filter(tunnelable).map((p) => p.metadata!.name!));
    for (const name of wanted) if (!this.sessions.has(name)) this.sessions.set(name, this.open(name));
    for (const [name, session] of this.sessions) {
      if (wanted.has(name)) continue;
      this.sessions.delete(name);
      void session.then((s) => s?.close());
    }
  }

  private async open(pod: string): Promise<TunnelSession | undefined> {
    const { emit } = this.opts;
    try {
      const session = await openTunnel({
        dial: () => this.opts.dial(this.opts.namespace, pod, CONTROL_PORT),
        token: this.opts.token,
        pod,
        clientName: this.opts.clientName,
        registrations: [this.opts.registration],
        localTarget: this.opts.localTarget,
        bodyPreviewBytes: this.opts.bodyPreviewBytes ?? 0,
        onEvent: (e: TunnelEvent) => emit(e.type === 'state' ? { type: 'tunnel', pod: e.pod, state: e.state, ...(e.reason ? { reason: e.reason } : {}) } : e),
      });
      this.activeOnce = true;
      if (this.closed) {
        await session.close();
        return undefined;
      }
      return session;
    } catch (err) {
      const e = err instanceof InterceptError ? err : new InterceptError('cluster', (err as Error).message);
      if (!this.activeOnce && e.category === 'user') this.firstError ??= e;
      emit({ type: 'warning', code: 'tunnel-failed', pod, message: e.message });
      // Forget it, so the next look at the pods tries again.
      this.sessions.delete(pod);
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.stopWatch?.();
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (p) => (await p)?.close()));
  }
}
