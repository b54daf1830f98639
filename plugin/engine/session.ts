// One intercept from start to end (the engine's model): resolve → Lease → install → rollout →
// Service → tunnels → hold → leave/restore. It owns its Lease, tunnels and timers, and reports
// everything through one EventHub; it knows nothing of how events are shown.
import { randomBytes } from 'node:crypto';
import { AppsV1Api, type V1ResourceRequirements } from '@kubernetes/client-node';
import { hostname } from 'node:os';
import type { Match } from '../protocol/matcher.js';
import { InterceptError, userError } from '../errors.js';
import { checkAccess, interceptPermissions, serverMinor } from './access-check.js';
import { agentResources } from './agent-resources.js';
import { fitAgentResources } from './agent-limits.js';
import { kubeError, makeClient } from '../kube/api.js';
import type { KubeAccess } from '../kube/kubeconfig.js';
import type { PodDialer } from '../kube/port-forward.js';
import { agentCode } from './agent-code.js';
import { writeEnvFile } from './env-file.js';
import { DEFAULT_ENV_SYNTAX, leftOutWarnings, type EnvSyntax } from './env-syntax.js';
import { EventHub } from './event-hub.js';
import type { EngineEvent, InterceptInfo } from './events.js';
import { DEFAULT_AGENT_IMAGE } from './agent-image.js';
import { publishIntercepts } from './expected-intercepts.js';
import { ensureSecret, retargetService, secretNameFor, takeOver, TOKEN_KEY } from './install.js';
import { ensureConfigMap } from './agent-code-map.js';
import { describeWorkload, ensureNamespace, readWorkload, type WorkloadId } from './kube-objects.js';
import { openNetworkPolicies, planNetworkPolicies, type PolicyPlan } from './network-policy-takeover.js';
import { podSelector, refuseSharedSelector } from './pod-selector.js';
import { acquireLease, deleteLease, LEASE_DURATION_S, leaseName } from './lease.js';
import { holdLease, type HeldLease } from './lease-hold.js';
import { clashAfterLease, localPortClashError, refuseTakenLocalPorts } from './local-port-claims.js';
import { waitingNote } from './lease-expiry.js';
import { leaveClients, restoreIfUnused, type LeaveClients } from './leave.js';
import { Outbound, planForwards, type ForwardRequest } from './outbound.js';
import { DialError } from '../tunnel/connection.js';
import { leftBehind, type LeftBehind } from './left-behind.js';
import { pause } from './abortable.js';
import { thisProcess } from './holder-process.js';
import { applyEnvOverrides } from './env-overrides.js';
import type { PortSpec, WorkloadRef } from './refs.js';
import { portFields } from './intercept-ports.js';
import { resolveTarget, type ResolvedTarget } from './resolve.js';
import { refuseUnrollable, waitForRollout } from './rollout.js';
import { restoreServices } from './restore.js';
import { sharedAppPortNotes } from './shared-app-port.js';
import { appEnvValues, hasAgentContainer, SCC_UID_RANGE_ANNOTATION } from './takeover.js';
import { PodTunnels } from './tunnels.js';
import { watchTakeover } from './watch-takeover.js';
import { watchPods } from './watch-pods.js';
import { watchForPauses } from './pause-watch.js';
import { claimForStart, markText, restorerOf, unmarkRestoring } from './workload-claim.js';

export interface InterceptRequest {
  access: KubeAccess;
  namespace: string;
  workload: WorkloadRef;
  /** One per Service port to take (`--port`, repeatable): each goes to its own local port. */
  ports: PortSpec[];
  service?: string;
  container?: string;
  match: Match;
  /** A mirror: copies of the matching requests; the callers are answered as without it. */
  mirror?: boolean;
  name?: string;
  agentImage?: string;
  /** `--update-network-policies`: add the agent's port to the policy rules that would block it. */
  updateNetworkPolicies?: boolean;
  /** `--agent-cpu` (request) and `--agent-memory` (limit); defaults in agent-resources.ts. */
  agentCpu?: string;
  agentMemory?: string;
  envFile?: string;
  /** How envFile is written (default DEFAULT_ENV_SYNTAX). */
  envSyntax?: EnvSyntax;
  envJson?: string;
  /** `--env`: variables that win over the app container's in env() and the env files. */
  envOverrides?: Record<string, string>;
  rolloutTimeoutMs?: number;
  /** How long the API server and the tunnels may stay unreachable before the intercept ends. */
  reconnectTimeoutMs?: number;
  /**
   * Bytes of each body to keep in traffic events, for a view that shows them (the TUI) or a
   * recording (HAR, -o json); 0 (the default) for the line printer, so no body reaches a log.
   */
  bodyPreviewBytes?: number;
  /** Traffic events also carry the unmasked URL and headers (`--har-unmasked`). */
  keepSecrets?: boolean;
  /** `--forward SERVICE:PORT[:LOCAL_PORT]`: plain local ports into the cluster. */
  forwards?: ForwardRequest[];
}

export interface SessionDeps {
  dial: PodDialer;
  hostname?: string;
}

/** A DNS label from free text (user names may hold '@', ':' or capitals). */
export function dnsLabel(text: string, max = 40): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '') || 'user';
}

export class InterceptSession {
  readonly events = new EventHub<EngineEvent>(500);
  info: InterceptInfo | undefined;
  private target: ResolvedTarget | undefined;
  /** One plan per intercepted port. */
  private policies: PolicyPlan[] | undefined;
  /** The agent container's resources, fitted to the namespace's quotas and LimitRanges. */
  private agentResources: { resources: V1ResourceRequirements; note?: string } | undefined;
  private tunnels: PodTunnels | undefined;
  private outbound: Outbound | undefined;
  private lease: HeldLease | undefined;
  /** Set when another process took our Lease over: it owns the intercept and the workload now. */
  private takenOverBy: string | undefined;
  private stopPauseWatch: (() => void) | undefined;
  private stopTakeoverWatch: (() => void) | undefined;
  private resolveLost!: (reason: string) => void;
  /** Made at once, so a front-end may ask before the start has taken its Lease (the TUI does). */
  private readonly lostPromise = new Promise<string>((r) => (this.resolveLost = r));
  private readonly clients: LeaveClients;
  private readonly rolloutTimeoutMs: number;
  private ending: Promise<void> | undefined;
  private starting: Promise<unknown> | undefined;
  /** Aborted by a leave while starting: every wait of the start ends at once. */
  private readonly startAbort = new AbortController();
  /** Aborted by abandon(): every request of this session fails, those in flight too. */
  private readonly cut = new AbortController();

  constructor(private readonly req: InterceptRequest, private readonly deps: SessionDeps) {
    this.clients = leaveClients(req.access, this.cut.signal);
    this.rolloutTimeoutMs = req.rolloutTimeoutMs ?? 120_000;
  }

  private emit = (e: EngineEvent): void => this.events.emit(e);

  /**
   * Resolves when the intercept is active; on failure cleans up what it did and throws. A leave
   * while it runs cuts it short: it then throws and leaves the undoing to that leave.
   */
  start(): Promise<InterceptInfo> {
    const started = this.doStart();
    this.starting = started.catch(() => undefined);
    return started;
  }

  private async doStart(): Promise<InterceptInfo> {
    const { req } = this;
    const what = req.workload.kind ? describeWorkload({ kind: req.workload.kind, name: req.workload.name }) : req.workload.name;
    const doing = `intercepting ${what}`;
    this.emit({ type: 'progress', step: 'resolve', message: `looking up ${what} and its Service port in namespace ${req.namespace}` });
    const target = (this.target = await resolveTarget(req.access, { namespace: req.namespace, workload: req.workload, ports: req.ports, service: req.service, container: req.container }));
    for (const message of sharedAppPortNotes(target, req.container !== undefined)) this.emit({ type: 'warning', code: 'shared-app-port', message });
    this.emit({ type: 'progress', step: 'resolve', message: `checking your permissions in namespace ${req.namespace}` });
    await checkAccess(req.access, req.namespace, interceptPermissions(target.id.kind, target.ports.some((p) => typeof p.targetPort === 'number'), await serverMinor(req.access), req.updateNetworkPolicies === true));
    try {
      const workload = await readWorkload(this.clients.apps, target.id);
      refuseUnrollable(target.id, workload);
      await refuseSharedSelector(this.clients, target.id, workload);
      this.policies = await planNetworkPolicies(this.clients.net, target.id, workload, { container: target.ports[0].container, servicePorts: target.ports.map((p) => p.servicePort) }, req.updateNetworkPolicies === true);
      const unchecked = this.policies.find((plan) => plan.unchecked)?.unchecked;
      if (unchecked) this.emit({ type: 'warning', code: 'network-policies-unchecked', message: unchecked });
      const agent = agentResources({ cpu: req.agentCpu, memory: req.agentMemory });
      const template = workload.spec?.template?.spec;
      // An agent already in the template (another user's intercept) brings no new pods.
      this.agentResources = template && !hasAgentContainer(template)
        ? await fitAgentResources(this.clients.core, req.namespace, template, agent)
        : { resources: agent };
    } catch (err) {
      throw kubeError(err, req.access, doing);
    }
    const forwards = planForwards(req.forwards ?? [], target.services, req.namespace);
    const host = this.deps.hostname ?? hostname();
    const holder = `${req.access.userName}@${host}`;
    const info: InterceptInfo = (this.info = {
      name: req.name ?? `${target.id.name}-${dnsLabel(req.access.userName)}`,
      namespace: req.namespace,
      kind: target.id.kind,
      workload: target.id.name,
      container: target.ports[0].container,
      ...portFields(target.ports.map((p) => ({ service: p.service, servicePort: p.port, appPort: p.containerPort, localTarget: { host: p.local.localHost, port: p.local.localPort } }))),
      match: req.match,
      ...(req.mirror ? { mirror: true } : {}),
      holder,
      process: thisProcess(host),
      since: new Date().toISOString(),
    });
    this.startAbort.signal.throwIfAborted();
    // Listening before the Lease, so the Lease (and `status`) records where; a busy --forward
    // port is refused before anything in the cluster changes.
    this.outbound = await Outbound.start({
      namespace: req.namespace, services: target.services, forwards,
      enableServiceLinks: target.info.template.spec?.enableServiceLinks !== false,
      context: { dial: (host, port) => this.dialOutbound(host, port), emit: this.emit },
    });
    info.outbound = this.outbound.info;
    this.emit({ type: 'intercept', state: 'starting', info });
    this.emit({ type: 'progress', step: 'lease', message: `registering intercept ${info.name} (Lease ${leaseName(info.name)})` });
    try {
      await refuseTakenLocalPorts(this.clients.coord, info);
      const { lease, tookOver } = await acquireLease(this.clients.coord, info, { signal: this.startAbort.signal, onWait: (leases, ms) => this.emit({ type: 'progress', step: 'lease', message: waitingNote(leases, ms) }) });
      const clash = await clashAfterLease(this.clients.coord, info, lease);
      if (clash) {
        await deleteLease(this.clients.coord, info.namespace, leaseName(info.name), lease.metadata?.resourceVersion);
        throw localPortClashError(info, clash);
      }
      if (tookOver) this.emit({ type: 'warning', code: 'took-over', message: tookOver });
      this.lease = holdLease(req.access, this.clients.coord, lease, req.reconnectTimeoutMs);
    } catch (err) {
      await this.outbound.close();
      throw kubeError(err, req.access, doing);
    }
    void this.lease!.lost.then((loss) => {
      this.takenOverBy ??= loss.takenOverBy;
      this.resolveLost(loss.reason);
    });
    try {
      // After our Lease exists and before anything of the agent's is touched (workload-claim.ts).
      await claimForStart(this.clients.apps, target.id, leaseName(info.name), {
        signal: this.startAbort.signal,
        onWait: (mark) => this.emit({ type: 'progress', step: 'install', message: `waiting for the restore of ${describeWorkload(target.id)} that ${markText(mark)} to finish` }),
      });
      await this.install(target, info);
      const overrides = this.req.envOverrides ?? {};
      const env = Object.keys(overrides).length ? applyEnvOverrides((await this.tunnels?.env()) ?? {}, overrides).applied : undefined;
      this.emit({ type: 'intercept', state: 'active', info, ...(env ? { env } : {}) });
      this.stopPauseWatch = watchForPauses((ms) => this.emit({
        type: 'warning', code: 'paused',
        message: `this process was paused for ${Math.round(ms / 1000)} s (the machine slept, or the process was stopped): meanwhile the agents sent the traffic to the pods; reconnecting the tunnels`,
      }));
      return info;
    } catch (err) {
      if (this.startAbort.signal.aborted) throw err;
      const failure = kubeError(err, req.access, doing);
      this.emit({ type: 'intercept', state: 'failed', info, reason: failure.message });
      try {
        await this.cleanUp();
      } catch (e) {
        this.emit({ type: 'warning', code: 'cleanup-failed', message: `could not undo everything: ${(e as Error).message}` });
        throw new InterceptError(failure.category, failure.message, `undoing it failed too: run \`kubectl intercept leave ${info.name}\``, { cause: err });
      }
      throw new InterceptError(failure.category, failure.message, failure.hint ?? 'this intercept left nothing behind in the cluster', { cause: err });
    }
  }

  private async install(target: ResolvedTarget, info: InterceptInfo): Promise<void> {
    const { apps, core } = this.clients;
    const { id } = target;
    this.emit({ type: 'progress', step: 'install', message: `installing the agent in ${describeWorkload(id)}` });
    const configMapName = await ensureConfigMap(core, id, agentCode());
    const secretName = secretNameFor(id);
    const token = await ensureSecret(core, id.namespace, secretName);
    const namespaceAssignsUid = SCC_UID_RANGE_ANNOTATION in (await ensureNamespace(core, id.namespace));
    const agent = {
      image: this.req.agentImage ?? DEFAULT_AGENT_IMAGE, configMapName, secretName, secretKey: TOKEN_KEY, namespaceAssignsUid,
      resources: this.agentResources!.resources,
    };
    if (this.agentResources?.note) this.emit({ type: 'progress', step: 'install', message: this.agentResources.note });
    for (const plan of this.policies ?? []) await this.openPolicies(plan);
    const { installed, changed } = await takeOver(apps, id, target.ports[0].container, target.ports.map((p) => p.servicePort), agent);
    // Someone changed the template between the check and the takeover, or an installed agent was
    // extended to a port it lacked: a port has an agent port the plan did not know. Judged again.
    const moved = target.ports.some((p, i) => {
      const agentPort = installed.fronted.find((f) => f.servicePort === p.port)?.agentPort;
      return this.policies !== undefined && agentPort !== undefined && agentPort !== this.policies[i].agentPort;
    });
    if (moved) {
      const w = await readWorkload(apps, id);
      const again = await planNetworkPolicies(this.clients.net, id, w, { container: target.ports[0].container, servicePorts: target.ports.map((p) => p.servicePort) }, this.req.updateNetworkPolicies === true);
      for (const plan of again) await this.openPolicies(plan);
    }
    this.emit({ type: 'progress', step: 'rollout', message: changed ? `rolling out ${describeWorkload(id)} with the agent` : `the agent is already in ${describeWorkload(id)}` });
    const signal = this.startAbort.signal;
    await waitForRollout({ apps, core }, id, {
      timeoutMs: this.rolloutTimeoutMs,
      signal,
      onProgress: (p) => this.emit({ type: 'progress', step: 'rollout', message: p.message, ready: p.ready, total: p.total }),
    });
    const service = target.service.metadata!.name!;
    if (await retargetService(core, id.namespace, service, installed)) {
      this.emit({ type: 'progress', step: 'service', message: `pointed Service ${service} port ${target.ports.filter((p) => typeof p.targetPort === 'number').map((p) => p.port).join(', ')} at the agent` });
    }
    const fronted = target.ports.map((p) => installed.fronted.find((f) => f.servicePort === p.port)!);
    const id0 = `${info.name}-${randomBytes(3).toString('hex')}`;
    this.emit({ type: 'progress', step: 'tunnel', message: 'opening tunnels to the agents' });
    const w = await readWorkload(apps, id);
    this.tunnels = new PodTunnels({
      core,
      namespace: id.namespace,
      selector: podSelector(w),
      dial: this.deps.dial,
      token,
      clientName: `${info.holder} (intercept ${info.name})`,
      interceptName: info.name,
      registrations: target.ports.map((p, i) => ({
        // One port keeps the id it always had; several are told apart by their Service port.
        id: target.ports.length === 1 ? id0 : `${id0}-${p.port}`,
        port: fronted[i].appPort, match: info.match, mirror: info.mirror === true,
        localTarget: { host: p.local.localHost, port: p.local.localPort },
      })),
      bodyPreviewBytes: this.req.bodyPreviewBytes ?? 0,
      keepSecrets: this.req.keepSecrets ?? false,
      localTarget: info.localTarget,
      emit: this.emit,
      pollMs: 5000,
      watchPods: (onChange) => watchPods(this.req.access, id.namespace, podSelector(w), onChange),
      ...(this.req.reconnectTimeoutMs ? { reconnect: { giveUpAfterMs: this.req.reconnectTimeoutMs } } : {}),
    });
    await this.tunnels.start(60_000, signal);
    await this.publishIntercepts(id, secretName);
    await this.writeEnv();
    this.stopTakeoverWatch = watchTakeover({
      access: this.req.access, clients: { apps, core }, id, service, fronted,
      onGone: (reason, agentRemoved) => void this.takeoverGone(id, reason, agentRemoved),
    });
  }

  /** Has the agents of pods made from now on wait for this intercept too (expected-intercepts.ts). */
  private async publishIntercepts(id: WorkloadId, secretName: string): Promise<void> {
    try {
      await publishIntercepts(this.clients, id, secretName);
    } catch (err) {
      this.emit({
        type: 'warning', code: 'intercepts-unpublished',
        message: `could not list this intercept in the Secret ${secretName} (${kubeError(err, this.req.access).message}): a pod that someone else adds or restarts may send this intercept's requests to the app for its first second or so`,
      });
    }
  }

  /** Before the Service's traffic goes to the agent: its port added to the rules that would drop it. */
  private async openPolicies(plan: PolicyPlan | undefined): Promise<void> {
    if (!plan || plan.blocking.length === 0) return;
    for (const name of await openNetworkPolicies(this.clients.net, plan)) {
      this.emit({ type: 'progress', step: 'install', message: `added TCP port ${plan.agentPort} to NetworkPolicy ${name} until the intercept ends` });
    }
  }

  /**
   * Someone else took the agent out (or the Service off it): with the agent gone, a Service still
   * pointed at its port reaches nothing, so it is restored at once, before the intercept ends.
   */
  private async takeoverGone(id: WorkloadId, reason: string, agentRemoved: boolean): Promise<void> {
    this.emit({ type: 'warning', code: 'takeover-gone', message: `${reason}; the intercept cannot go on` });
    if (agentRemoved) {
      try {
        for (const s of await restoreServices(this.clients, id)) this.emit({ type: 'progress', step: 'restore', message: `restored the target ports of Service ${s}` });
      } catch (err) {
        this.emit({ type: 'warning', code: 'cleanup-failed', message: `could not restore the Service: ${kubeError(err, this.req.access).message}` });
      }
    }
    this.resolveLost(reason);
  }

  private async writeEnv(): Promise<void> {
    if (!this.req.envFile && !this.req.envJson) return;
    const env = await this.env();
    const syntax = this.req.envSyntax ?? DEFAULT_ENV_SYNTAX;
    if (this.req.envFile) {
      const { leftOut } = await writeEnvFile(this.req.envFile, env, syntax);
      for (const message of leftOutWarnings(leftOut, this.req.envFile, syntax)) this.emit({ type: 'warning', code: 'env-left-out', message });
    }
    if (this.req.envJson) await writeEnvFile(this.req.envJson, env, 'json');
    this.emit({ type: 'progress', step: 'env', message: `wrote the environment of container ${this.info!.container} (${Object.keys(env).length} variables) to ${[this.req.envFile, this.req.envJson].filter(Boolean).join(' and ')}` });
  }

  /**
   * The app container's environment as the agent reported it, over the service-link variables
   * pointing at the local forwards (the container's own variables win, as in the kubelet), with
   * the --env overrides.
   */
  async env(): Promise<Record<string, string>> {
    const links = this.outbound?.links ?? {};
    return applyEnvOverrides({ ...links, ...appEnvValues((await this.tunnels?.env()) ?? {}, links) }, this.req.envOverrides ?? {}).env;
  }

  /** What `-- COMMAND` runs with: env() and the proxy variables. */
  async commandEnv(): Promise<Record<string, string>> {
    return { ...(await this.env()), ...this.outbound?.proxyEnv() };
  }

  private dialOutbound(host: string, port: number) {
    if (!this.tunnels) return Promise.reject(new DialError('the intercept is still starting: no tunnel to an agent yet', 'ECONNRESET'));
    return this.tunnels.dial(host, port);
  }

  /** Resolves with the reason when the intercept ends from outside (its Lease deleted). */
  lost(): Promise<string> {
    return this.lostPromise;
  }

  /**
   * Ends the intercept: tunnels, Lease, then the workload if no one else uses it. Idempotent.
   * While starting, it stops the start's waiting (a rollout that cannot progress, say) first.
   */
  leave(): Promise<void> {
    if (!this.ending) {
      this.startAbort.abort(new InterceptError('user', 'the intercept was interrupted while starting'));
      this.ending = (this.starting ?? Promise.resolve()).then(() => this.doLeave());
    }
    return this.ending;
  }

  /**
   * Gives up on starting or leaving (the user insisted): stops every request and timer of the
   * session, then reads back from the cluster what is left and how to clean it up.
   */
  async abandon(): Promise<LeftBehind> {
    const reason = new InterceptError('user', 'the intercept was abandoned');
    this.startAbort.abort(reason);
    this.cut.abort(reason);
    this.lease?.stop();
    this.stopPauseWatch?.();
    void this.tunnels?.close().catch(() => undefined);
    this.ending?.catch(() => undefined);
    // A request the server had already taken may still be applied: let it land before looking.
    await pause(200);
    if (!this.info) return { items: [] };
    // Our restore's mark would hold every later start, leave and uninstall of the workload for
    // minutes: it goes with us (on fresh clients: the session's own are cut).
    if (this.target) await unmarkRestoring(makeClient(this.req.access, AppsV1Api), this.target.id, restorerOf(leaseName(this.info.name))).catch(() => undefined);
    return leftBehind(this.req.access, this.info, this.target?.id);
  }

  private async doLeave(): Promise<void> {
    const info = this.info;
    if (!info) return;
    this.emit({ type: 'intercept', state: 'leaving', info });
    try {
      await this.cleanUp();
      if (this.takenOverBy) throw this.supersededError(info, this.takenOverBy);
    } catch (err) {
      if (this.takenOverBy) throw err;
      const e = kubeError(err, this.req.access, `leaving intercept "${info.name}"`);
      // The agent stays in the workload (sending every request to the pods, as no tunnel holds
      // it): what is left to undo can be undone from anywhere later.
      throw new InterceptError(e.category, e.message, `${e.hint ? `${e.hint}; then ` : ''}run \`kubectl intercept leave ${info.name}${info.namespace !== this.req.access.namespace ? ` -n ${info.namespace}` : ''}\` to restore ${describeWorkload({ kind: info.kind, name: info.workload })}`, { cause: err });
    }
    this.emit({ type: 'intercept', state: 'left', info });
  }

  /** The end of a holder whose Lease another process took over: nothing of the cluster's was touched. */
  private supersededError(info: InterceptInfo, by: string): InterceptError {
    const reason = `intercept "${info.name}" was taken over by ${by} while this process was not renewing its Lease (paused or cut off for longer than the Lease's ${LEASE_DURATION_S} s)`;
    this.emit({ type: 'intercept', state: 'failed', info, reason });
    return userError(`${reason}; this process ended without restoring ${describeWorkload({ kind: info.kind, name: info.workload })} or deleting the Lease, which are the new holder's now`, `the intercept goes on there; end it there, or with \`kubectl intercept leave ${info.name}\``);
  }

  private async cleanUp(): Promise<void> {
    this.stopPauseWatch?.();
    this.stopTakeoverWatch?.();
    this.lease?.stop();
    await this.outbound?.close();
    await this.tunnels?.close();
    // Only our own Lease: one taken over meanwhile is the new holder's, and so is the workload.
    const takenOverBy = await this.lease?.release();
    if (takenOverBy) {
      this.takenOverBy ??= takenOverBy;
      return;
    }
    if (this.target) {
      await restoreIfUnused(this.clients, this.target.id, this.emit, { except: this.lease?.lease, rolloutTimeoutMs: this.rolloutTimeoutMs });
    }
  }
}
