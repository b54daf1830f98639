// One tunnel per pod whose agent has started (decision 6): follows pods as they come and go (a pod
// that goes away closes its tunnel; the intercept goes on through the others) and merges every
// tunnel's events, tagged with the pod, into the engine's stream.
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { InterceptError } from '../errors.js';
import { pause } from './abortable.js';
import type { PodDialer } from '../kube/port-forward.js';
import { DialError } from '../tunnel/connection.js';
import type { OutboundDial } from '../tunnel/outbound-relay.js';
import { openTunnel } from '../tunnel/tunnel.js';
import type { LocalRegistration, LocalTarget, ReconnectPolicy, TunnelEvent, TunnelSession } from '../tunnel/types.js';
import type { EngineEvent } from './events.js';
import { CONTROL_PORT } from './takeover.js';
import { agentReady, notTunnelableReason, tunnelable } from './tunnelable.js';

export { tunnelable };

export interface PodTunnelsOptions {
  core: CoreV1Api;
  namespace: string;
  /** Label selector of the workload's pods. */
  selector: string;
  dial: PodDialer;
  token: string;
  clientName: string;
  /** The intercept's name, which agents of new pods wait for (plugin/agent/expected.ts). */
  interceptName?: string;
  /** One per intercepted port, each with its own local target (or `localTarget`). */
  registrations: LocalRegistration[];
  localTarget: LocalTarget;
  emit: (e: EngineEvent) => void;
  bodyPreviewBytes?: number;
  keepSecrets?: boolean;
  /** How often to look at the pods even without news from `watchPods`. */
  pollMs?: number;
  /** Calls back when the pods change (a watch), for a quick reaction; returns the stop function. */
  watchPods?: (onChange: () => void) => () => void;
  /** How often to ask the agents how many requests they passed to the app. */
  countsMs?: number;
  reconnect?: Partial<ReconnectPolicy>;
}

/** How long one agent may take to answer a stats request before that round skips it. */
const STATS_TIMEOUT_MS = 5000;
/**
 * Redialling a pod whose tunnel failed (refused, or gave up reconnecting): from 1 s, doubling to
 * 30 s, with jitter, for as long as the pod is there, so that replica's matching requests come
 * back here once it answers again, without hammering the API server meanwhile.
 */
const REDIAL_FIRST_MS = 1000;
const REDIAL_MAX_MS = 30_000;
/**
 * A pod whose agent has started but is not ready is dialled at once, as it waits for us before it
 * listens; its control port may not be open yet (Node is still loading it): such a dial is tried
 * again this soon, quietly, this many times, before a failure counts as one.
 */
const STARTING_REDIAL_MS = 250;
const STARTING_TRIES = 20;

export class PodTunnels {
  private readonly sessions = new Map<string, Promise<TunnelSession | undefined>>();
  /** Tunnels being closed, per pod: a new one to the same pod waits, so its events come after. */
  private readonly closing = new Map<string, Promise<void>>();
  /** Why a pod's tunnel was closed while the intercept holds, told again when it comes back. */
  private readonly dropped = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private stopWatch: (() => void) | undefined;
  private syncing: Promise<void> | undefined;
  private closed = false;
  private firstError: InterceptError | undefined;
  private activeOnce = false;
  /** Per pod: the agent's pass-through count when its tunnel opened, and the latest one. */
  private readonly passed = new Map<string, { base: number; now: number }>();
  /** What pods that have gone (or agents that restarted) had passed while we watched. */
  private passedBefore = 0;
  private reportedPassed = -1;
  private countsTimer: NodeJS.Timeout | undefined;
  private counting = false;
  /** Pods whose tunnel failed: how many times in a row, and not to redial before when. */
  private readonly redial = new Map<string, { failures: number; notBefore: number; timer?: NodeJS.Timeout }>();
  /** Outbound connections take turns over the pods' agents. */
  private turn = 0;
  private readonly up = new Map<string, TunnelSession>();
  /** Pods whose agent had started but was not ready at the last look: quiet dials left for each. */
  private readonly starting = new Map<string, number>();

  constructor(private readonly opts: PodTunnelsOptions) {}

  /** Follows the pods; resolves once one tunnel is up and registered, rejects on a refusal or an abort. */
  async start(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      await this.sync();
      await Promise.all(this.sessions.values());
      if (this.activeOnce) break;
      if (this.firstError) throw this.firstError;
      if (Date.now() > deadline) throw new InterceptError('cluster', `no pod of the workload had a running agent to tunnel to within ${Math.round(timeoutMs / 1000)} s`, 'check the pods with kubectl get pods');
      await pause(this.opts.pollMs ?? 1000, signal);
    }
    const follow = () => {
      if (this.closed) return;
      this.timer = setTimeout(() => void this.syncOnce().finally(follow), this.opts.pollMs ?? 1000);
    };
    follow();
    this.stopWatch = this.opts.watchPods?.(() => void this.syncOnce());
    this.countsTimer = setInterval(() => void this.readCounts(), this.opts.countsMs ?? 2000);
  }

  /** Asks every agent for its counts and reports the requests passed to the cluster if changed. */
  async readCounts(): Promise<void> {
    if (this.counting || this.closed) return;
    this.counting = true;
    try {
      await Promise.all([...this.sessions].map(async ([pod, pending]) => {
        const n = await this.passedBy(await pending);
        if (n === undefined || !this.sessions.has(pod)) return;
        const seen = this.passed.get(pod);
        if (!seen) {
          this.passed.set(pod, { base: n, now: n });
        } else if (n < seen.now) {
          // A restarted agent counts from 0 again: keep what the old one had passed.
          this.passedBefore += seen.now - seen.base;
          this.passed.set(pod, { base: 0, now: n });
        } else {
          seen.now = n;
        }
      }));
      let total = this.passedBefore;
      for (const { base, now } of this.passed.values()) total += now - base;
      if (total !== this.reportedPassed && !this.closed) {
        this.reportedPassed = total;
        this.opts.emit({ type: 'counts', passedToCluster: total });
      }
    } finally {
      this.counting = false;
    }
  }

  private async passedBy(session: TunnelSession | undefined): Promise<number | undefined> {
    if (!session || session.state() !== 'active') return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), STATS_TIMEOUT_MS)));
    try {
      const counts = await Promise.race([session.stats(), timeout]);
      const ports = new Set(this.opts.registrations.map((r) => r.port));
      return counts?.filter((c) => ports.has(c.appPort) || ports.has(c.agentPort)).reduce((sum, c) => sum + c.passthroughRequests, 0);
    } catch {
      // Reconnecting: the next round asks again.
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One look at a time; a change seen while looking is picked up by the next one. */
  private syncOnce(): Promise<void> {
    this.syncing ??= this.sync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** Has an agent with a working tunnel connect to host:port from its pod (outbound, decision 13). */
  async dial(host: string, port: number): Promise<OutboundDial> {
    const active = [...this.up.values()].filter((s) => s.state() === 'active');
    if (active.length === 0) throw new DialError('no tunnel to an agent is up right now', 'ECONNRESET');
    const session = active[this.turn++ % active.length];
    return { ...(await session.dial(host, port)), pod: session.pod };
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
    const ready = new Set(pods.filter(agentReady).map((p) => p.metadata!.name!));
    for (const name of this.starting.keys()) if (!wanted.has(name) || ready.has(name)) this.starting.delete(name);
    for (const name of wanted) if (!ready.has(name) && !this.starting.has(name) && !this.up.has(name)) this.starting.set(name, STARTING_TRIES);
    for (const name of wanted) {
      const backoff = this.redial.get(name);
      if (backoff && Date.now() < backoff.notBefore) continue;
      if (backoff) {
        // Its session failed and is over: one new dial, and none other until this one has ended.
        backoff.notBefore = Infinity;
        void this.sessions.get(name)?.then((s) => s?.close());
        this.sessions.delete(name);
      }
      if (!this.sessions.has(name)) this.sessions.set(name, this.open(name));
    }
    for (const [name, b] of this.redial) {
      if (wanted.has(name)) continue;
      clearTimeout(b.timer);
      this.redial.delete(name);
    }
    for (const [name, session] of this.sessions) {
      if (wanted.has(name)) continue;
      this.sessions.delete(name);
      this.up.delete(name);
      const counted = this.passed.get(name);
      if (counted) this.passedBefore += counted.now - counted.base;
      this.passed.delete(name);
      const why = notTunnelableReason(pods.find((p) => p.metadata?.name === name));
      this.dropped.set(name, why);
      const closed = session.then((s) => s?.close(why)).catch(() => undefined).finally(() => {
        if (this.closing.get(name) === closed) this.closing.delete(name);
      });
      this.closing.set(name, closed);
    }
  }

  private async open(pod: string): Promise<TunnelSession | undefined> {
    const { emit } = this.opts;
    await this.closing.get(pod);
    // A dial to an agent still loading fails quietly and is tried again soon (STARTING_TRIES).
    const quiet = (this.starting.get(pod) ?? 0) > 0;
    const onEvent = (e: TunnelEvent) => {
      if (e.type !== 'state') return emit(e);
      if (quiet && !this.up.has(pod) && (e.state === 'connecting' || e.state === 'failed')) return;
      if (e.state === 'failed') this.failed(pod);
      if (e.state === 'active') this.recovered(pod);
      const again = e.state === 'active' ? this.dropped.get(pod) : undefined;
      if (again !== undefined) this.dropped.delete(pod);
      const reason = again !== undefined ? `registered again; it had closed: ${again}` : e.reason;
      emit({ type: 'tunnel', pod: e.pod, state: e.state, ...(reason ? { reason } : {}) });
    };
    try {
      const session = await openTunnel({
        dial: () => this.opts.dial(this.opts.namespace, pod, CONTROL_PORT),
        token: this.opts.token,
        pod,
        clientName: this.opts.clientName,
        ...(this.opts.interceptName ? { interceptName: this.opts.interceptName } : {}),
        registrations: this.opts.registrations,
        localTarget: this.opts.localTarget,
        bodyPreviewBytes: this.opts.bodyPreviewBytes ?? 0,
        keepSecrets: this.opts.keepSecrets ?? false,
        ...(this.opts.reconnect ? { reconnect: this.opts.reconnect } : {}),
        onEvent,
      });
      this.activeOnce = true;
      if (this.closed) {
        await session.close();
        return undefined;
      }
      this.up.set(pod, session);
      this.starting.delete(pod);
      // What the agent passed before this tunnel is not ours to count.
      const base = await this.passedBy(session);
      if (base !== undefined) this.passed.set(pod, { base, now: base });
      return session;
    } catch (err) {
      const e = err instanceof InterceptError ? err : new InterceptError('cluster', (err as Error).message);
      if (quiet && e.category !== 'user' && !this.closed) {
        this.starting.set(pod, this.starting.get(pod)! - 1);
        this.sessions.delete(pod);
        this.retrySoon(pod);
        return undefined;
      }
      if (!this.activeOnce && e.category === 'user') this.firstError ??= e;
      emit({ type: 'warning', code: 'tunnel-failed', pod, message: e.message });
      // Forget it, so a later look at the pods tries again, after a backoff.
      this.sessions.delete(pod);
      const backoff = this.redial.get(pod);
      if (!backoff || backoff.notBefore === Infinity) this.failed(pod);
      return undefined;
    }
  }

  /** Backs off the pod's next dial and looks again when that time comes. */
  private failed(pod: string): void {
    if (this.closed) return;
    const previous = this.redial.get(pod);
    clearTimeout(previous?.timer);
    const failures = (previous?.failures ?? 0) + 1;
    const delay = Math.min(REDIAL_MAX_MS, REDIAL_FIRST_MS * 2 ** (failures - 1)) * (0.8 + Math.random() * 0.4);
    const timer = setTimeout(() => void this.syncOnce(), delay + 10);
    timer.unref();
    this.redial.set(pod, { failures, notBefore: Date.now() + delay, timer });
  }

  /** Looks again shortly for a pod whose agent is still starting. */
  private retrySoon(pod: string): void {
    const previous = this.redial.get(pod);
    clearTimeout(previous?.timer);
    const timer = setTimeout(() => void this.syncOnce(), STARTING_REDIAL_MS);
    timer.unref();
    this.redial.set(pod, { failures: previous?.failures ?? 0, notBefore: Date.now() + STARTING_REDIAL_MS - 10, timer });
  }

  private recovered(pod: string): void {
    clearTimeout(this.redial.get(pod)?.timer);
    this.redial.delete(pod);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const b of this.redial.values()) clearTimeout(b.timer);
    this.redial.clear();
    clearInterval(this.countsTimer);
    this.stopWatch?.();
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.up.clear();
    await Promise.all(all.map(async (p) => (await p)?.close()));
  }
}
