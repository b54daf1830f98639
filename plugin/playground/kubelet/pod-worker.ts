// One pod on this node, from first sight to removal: sandbox (pod IP, folder, network preload),
// volumes, containers, status written through pods/status, and graceful termination ending in
// the kubelet's own DELETE (grace period 0, UID precondition), after which the IP and folder are freed.
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { ContainerRunner, type PodRuntime } from './container.js';
import type { RecordEvent } from './events.js';
import type { PodIPAllocator } from './ipam.js';
import { buildPodStatus, type ContainerView, type StatusJSON } from './pod-status.js';
import { writePreload, type PodDNS } from './preload.js';
import type { TokenManager } from './token-manager.js';
import { containerMounts, hasTokenProjection, materializeVolumes, type Mount, type VolumeSources } from './volumes.js';

/** What a pod worker needs from the kubelet: the API calls it makes and shared state. */
export interface PodWorkerDeps {
  dataDir: string;
  hostIP: string;
  ipam: PodIPAllocator;
  sources: VolumeSources;
  tokens: Pick<TokenManager, 'nextRefresh' | 'forget'>;
  /** host:port pairs on loopback that stay the host's for the pod's processes (the API server). */
  hostEndpoints: readonly string[];
  /** The cluster DNS (`ip:port`), if the playground runs one. */
  clusterDNS?: string;
  patchStatus(ns: string, name: string, status: StatusJSON): Promise<void>;
  /** DELETE with DeleteOptions {gracePeriodSeconds: 0, preconditions: {uid}}. */
  deletePod(ns: string, name: string, uid: string): Promise<void>;
  log(message: string): void;
  /** Called once the pod is torn down and its IP and folder are free. */
  forget(uid: string): void;
  event: RecordEvent;
}

/**
 * The resolver settings pkg/kubelet/network/dns/dns.go gives a pod: for ClusterFirst (the
 * default; host-network pods fall back to Default) the cluster DNS, the search list
 * NAMESPACE.svc.cluster.local svc.cluster.local cluster.local, and ndots 5. Default and None
 * leave the machine's own resolver.
 */
export function podDNS(pod: V1Pod, clusterDNS: string | undefined): PodDNS | undefined {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const clusterFirst = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.spec?.hostNetwork);
  if (!clusterDNS || !clusterFirst) return undefined;
  const ns = pod.metadata?.namespace ?? 'default';
  return { server: clusterDNS, search: [`${ns}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN], ndots: 5 };
}

/** The kubelet's --cluster-domain. */
const CLUSTER_DOMAIN = 'cluster.local';

const statusDebounceMs = 15;
// Failed mounts are retried with the volume manager's backoff: 500 ms, doubling up to 2m2s
// (pkg/util/goroutinemap/exponentialbackoff).
const volumeRetryMs = { first: 500, max: 122_000 };
// A token refresh that failed is tried again this much later (the kubelet's volume resync).
const tokenRetryMs = 10_000;

export class PodWorker {
  readonly uid: string;
  readonly sandboxId: string;
  readonly podDir: string;
  podIP: string | undefined;
  pod: V1Pod;
  readonly containers: ContainerRunner[] = [];
  /** Init containers (and restartable "sidecar" ones), run in order before the containers. */
  readonly initContainers: ContainerRunner[] = [];
  /** Ephemeral containers, started as they are added to the running pod; never restarted. */
  readonly ephemeralContainers: ContainerRunner[] = [];
  private runtime: PodRuntime | undefined;
  private volumesReady = false;
  private starting: Promise<void> | undefined;
  private volumePaths = new Map<string, string>();
  private readonly startTime = new Date();
  private sandboxReady = false;
  private terminal = false;
  private terminating: Promise<void> | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private statusChain: Promise<void> = Promise.resolve();
  private volumeTimer: NodeJS.Timeout | undefined;
  private volumeFailures = 0;
  private tokenTimer: NodeJS.Timeout | undefined;
  private gone = false;

  constructor(pod: V1Pod, private readonly deps: PodWorkerDeps) {
    this.pod = pod;
    this.uid = pod.metadata?.uid ?? '';
    this.sandboxId = createHash('sha256').update(`sandbox:${this.uid}`).digest('hex');
    this.podDir = path.join(deps.dataDir, 'pods', this.uid);
  }

  get namespace(): string {
    return this.pod.metadata?.namespace ?? 'default';
  }

  get name(): string {
    return this.pod.metadata?.name ?? '';
  }

  /** Sets the sandbox up and starts the containers; a termination waits for this first. */
  start(): Promise<void> {
    this.starting ??= this.setUp();
    return this.starting;
  }

  private async setUp(): Promise<void> {
    this.podIP = this.deps.ipam.allocate(this.uid);
    await mkdir(this.podDir, { recursive: true });
    const preload = await writePreload(this.podDir, this.podIP, this.deps.hostEndpoints, podDNS(this.pod, this.deps.clusterDNS));
    this.sandboxReady = true;
    const rt: PodRuntime = this.runtime = {
      currentPod: () => this.pod,
      podIP: this.podIP,
      hostIP: this.deps.hostIP,
      podDir: this.podDir,
      preload,
      mounts: (c: V1Container): Mount[] => containerMounts(c, this.volumePaths),
      sources: this.deps.sources,
      changed: () => this.statusChanged(),
      event: this.deps.event,
    };
    (this.pod.spec?.initContainers ?? []).forEach((spec, i) => {
      const role = spec.restartPolicy === 'Always' ? 'sidecar' : 'init';
      this.initContainers.push(new ContainerRunner(spec, rt, { role, done: () => this.runInitContainer(i + 1) }));
    });
    for (const spec of this.pod.spec?.containers ?? []) this.containers.push(new ContainerRunner(spec, rt));
    this.statusChanged();
    await this.setUpVolumesThenStart();
  }

  private async setUpVolumesThenStart(): Promise<void> {
    if (this.terminating) return;
    try {
      this.volumePaths = await materializeVolumes(this.pod, this.podDir, this.deps.sources, this.runtimeIPs());
      if (this.terminating) return;
    } catch (err) {
      // Containers stay ContainerCreating while a volume cannot be set up (FailedMount).
      this.deps.event(this.pod, undefined, 'Warning', 'FailedMount', (err as Error).message);
      const wait = Math.min(volumeRetryMs.max, volumeRetryMs.first * 2 ** this.volumeFailures++);
      this.volumeTimer = setTimeout(() => void this.setUpVolumesThenStart(), wait);
      return;
    }
    this.volumesReady = true;
    this.scheduleTokenRefresh();
    this.runInitContainer(0);
  }

  private runtimeIPs() {
    return { podIPs: [this.podIP ?? ''], hostIP: this.deps.hostIP };
  }

  // The token files are written again when the token manager would hand out a new token, as the
  // kubelet's volume manager remounts projected volumes.
  private scheduleTokenRefresh(): void {
    const due = this.deps.tokens.nextRefresh(this.uid);
    if (due === undefined || this.terminating) return;
    const wait = due > Date.now() ? due - Date.now() : tokenRetryMs;
    this.tokenTimer = setTimeout(() => void this.refreshTokens(), wait);
    this.tokenTimer.unref();
  }

  private async refreshTokens(): Promise<void> {
    if (this.terminating) return;
    try {
      await materializeVolumes(this.pod, this.podDir, this.deps.sources, this.runtimeIPs(), hasTokenProjection);
    } catch (err) {
      this.deps.event(this.pod, undefined, 'Warning', 'FailedMount', (err as Error).message);
    }
    this.scheduleTokenRefresh();
  }

  // Init containers one after the other (the next once the previous completed, or once a sidecar
  // started), then every container at once.
  private runInitContainer(i: number): void {
    if (this.terminating) return;
    const next = this.initContainers[i];
    if (next) {
      next.start();
      return;
    }
    for (const c of this.containers) c.start();
    this.startEphemeralContainers();
  }

  /** Every container of the pod (init, regular, ephemeral), for logs. */
  allContainers(): ContainerRunner[] {
    return [...this.initContainers, ...this.containers, ...this.ephemeralContainers];
  }

  // An ephemeral container runs once added (through pods/ephemeralcontainers), with the pod's
  // volumes and network, and is not restarted when it exits.
  private startEphemeralContainers(): void {
    if (!this.runtime || !this.volumesReady || this.terminating) return;
    for (const spec of this.pod.spec?.ephemeralContainers ?? []) {
      if (this.ephemeralContainers.some((c) => c.spec.name === spec.name)) continue;
      const runner = new ContainerRunner(spec as V1Container, this.runtime, { role: 'ephemeral' });
      this.ephemeralContainers.push(runner);
      runner.start();
    }
  }

  /** A newer version of the pod from the watch. */
  update(pod: V1Pod): void {
    this.pod = pod;
    this.startEphemeralContainers();
    if (pod.metadata?.deletionTimestamp && !this.terminating) {
      const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
      void this.terminate(grace * 1000, true);
    }
  }

  /**
   * Stops every container (SIGTERM, SIGKILL after the grace period), writes the final status and,
   * when the pod still exists in the API, deletes it for good. Idempotent.
   */
  terminate(graceMs: number, deleteFromApi: boolean): Promise<void> {
    this.terminating ??= (async () => {
      // Let a set-up in progress finish, so nothing it creates outlives the pod.
      await this.starting?.catch(() => undefined);
      if (this.volumeTimer) clearTimeout(this.volumeTimer);
      if (this.tokenTimer) clearTimeout(this.tokenTimer);
      await Promise.all(this.allContainers().map((c) => c.stop(graceMs)));
      this.terminal = true;
      if (deleteFromApi && !this.gone) {
        this.statusChanged();
        await this.flushStatus();
        await this.deps.deletePod(this.namespace, this.name, this.uid).catch((err: Error) => this.deps.log(`deleting pod ${this.namespace}/${this.name}: ${err.message}`));
      }
      this.gone = true;
      if (this.statusTimer) clearTimeout(this.statusTimer);
      await this.statusChain;
      this.deps.ipam.release(this.uid);
      this.deps.tokens.forget(this.uid);
      await rm(this.podDir, { recursive: true, force: true });
      this.deps.forget(this.uid);
    })();
    return this.terminating;
  }

  /** The pod disappeared from the API (force delete): no more writes for it. */
  markGone(): void {
    this.gone = true;
  }

  private statusChanged(): void {
    if (this.gone || this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.statusChain = this.statusChain.then(() => this.writeStatus());
    }, statusDebounceMs);
  }

  private flushStatus(): Promise<void> {
    if (this.statusTimer) {
      clearTimeout(this.statusTimer);
      this.statusTimer = undefined;
      this.statusChain = this.statusChain.then(() => this.writeStatus());
    }
    return this.statusChain;
  }

  private async writeStatus(): Promise<void> {
    if (this.gone) return;
    const status = buildPodStatus({
      pod: this.pod,
      hostIP: this.deps.hostIP,
      podIP: this.podIP,
      startTime: this.startTime,
      sandboxReady: this.sandboxReady,
      terminal: this.terminal,
      initContainers: this.initContainers.map(containerView),
      containers: this.containers.map(containerView),
      ephemeralContainers: this.ephemeralContainers.map(containerView),
    });
    try {
      await this.deps.patchStatus(this.namespace, this.name, status);
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 404) this.gone = true;
      else this.deps.log(`updating status of pod ${this.namespace}/${this.name}: ${(err as Error).message}`);
    }
  }
}

function containerView(c: ContainerRunner): ContainerView {
  return {
    spec: c.spec, state: c.state, lastState: c.lastState, ready: c.ready, started: c.started,
    restartCount: c.restartCount, image: c.image, imageID: c.imageID, containerID: c.containerID,
    sidecar: c.spec.restartPolicy === 'Always',
  };
}
