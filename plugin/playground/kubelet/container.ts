// One container of a pod as local processes: image "pull", environment, start, probes, exit,
// restart by the pod's restartPolicy with crash-loop back-off, and stop with a grace period.
// It keeps the fields of its containerStatus and calls `changed()` whenever they move.
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { V1Container, V1ContainerState, V1Pod } from '@kubernetes/client-node';
import { Backoff, goDuration } from './backoff.js';
import { makeEnvironment, type EnvSources } from './env.js';
import { containerFieldPath, type EventType, type RecordEvent } from './events.js';
import { imageID, isNodeImage, normalizeImage } from './image.js';
import { invalidImageMessage, InvalidReference, parseImageReference } from './image-reference.js';
import { exitCodeOf, planProcess, runToExit, signalGroup, spawnPlan, StartError, type SpawnPlan } from './launch.js';
import { LogFile } from './logs.js';
import { startContainerProbes, type ProbeWorker } from './probes.js';
import type { Mount } from './volumes.js';

export interface PodRuntime {
  /** The latest version of the pod from the watch. */
  currentPod(): V1Pod;
  podIP: string;
  hostIP: string;
  podDir: string;
  preload: string;
  mounts(container: V1Container): Mount[];
  sources: EnvSources;
  changed(): void;
  event: RecordEvent;
}

interface Instance {
  child: ChildProcess;
  id: string;
  log: LogFile;
  startedAt: Date;
  exited: Promise<void>;
  probes: ProbeWorker[];
  killReason?: string;
}

/**
 * regular: spec.containers; init: run to completion in order; sidecar: an init container with
 * restartPolicy Always (started in order, then kept running); ephemeral: added later, never restarted.
 * `done` tells the pod worker an init container completed (or a sidecar started).
 */
export interface ContainerKind {
  role: 'regular' | 'init' | 'sidecar' | 'ephemeral';
  done?: () => void;
}

export class ContainerRunner {
  state: V1ContainerState = { waiting: { reason: 'ContainerCreating' } };
  lastState: V1ContainerState = {};
  restartCount = 0;
  ready = false;
  started = false;
  containerID: string | undefined;
  private instance: Instance | undefined;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly crashBackoff = new Backoff();
  private readonly pullBackoff = new Backoff();
  private lastFinish = 0;

  constructor(readonly spec: V1Container, private readonly rt: PodRuntime, private readonly kind: ContainerKind = { role: 'regular' }) {
    if (kind.role === 'regular' && (rt.currentPod().spec?.initContainers?.length ?? 0) > 0) this.state = { waiting: { reason: 'PodInitializing' } };
    if (kind.role === 'init' || kind.role === 'sidecar') this.state = { waiting: { reason: 'PodInitializing' } };
  }

  private get ephemeral(): boolean {
    return this.kind.role === 'ephemeral';
  }

  /** The restart policy this container follows (init containers never restart after success). */
  private restartPolicy(): string {
    const pod = this.rt.currentPod().spec?.restartPolicy ?? 'Always';
    switch (this.kind.role) {
      case 'ephemeral': return 'Never';
      case 'sidecar': return 'Always';
      case 'init': return pod === 'Always' ? 'OnFailure' : pod;
      default: return pod;
    }
  }

  get image(): string {
    return normalizeImage(this.spec.image ?? '');
  }

  get imageID(): string {
    return isNodeImage(this.spec.image ?? '') ? imageID(this.spec.image ?? '') : '';
  }

  /** The log file of the current (or last) instance, and of the one before it. */
  logPath(previous: boolean): string | undefined {
    const n = previous ? this.restartCount - 1 : this.restartCount;
    return n < 0 ? undefined : path.join(this.rt.podDir, 'logs', this.spec.name, `${n}.log`);
  }

  isRunning(): boolean {
    return this.instance !== undefined;
  }

  start(): void {
    void this.attempt();
  }

  private event(type: EventType, reason: string, message: string): void {
    this.rt.event(this.rt.currentPod(), containerFieldPath(this.spec.name, this.kind.role), type, reason, message);
  }

  private waiting(reason: string, message?: string): void {
    this.state = { waiting: message ? { reason, message } : { reason } };
    this.rt.changed();
  }

  private async attempt(): Promise<void> {
    if (this.stopping) return;
    const image = this.spec.image ?? '';
    try {
      parseImageReference(image);
    } catch (err) {
      if (!(err instanceof InvalidReference)) throw err;
      this.invalidImage(image, err);
      return;
    }
    if (!isNodeImage(image)) {
      this.pullFailed(image);
      return;
    }
    this.event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
    let plan;
    try {
      await mkdir(path.join(this.rt.podDir, 'containers', this.spec.name), { recursive: true });
      await mkdir(path.join(this.rt.podDir, 'logs', this.spec.name), { recursive: true });
      plan = await this.plan();
    } catch (err) {
      if (err instanceof StartError) {
        this.event('Warning', 'Failed', `Error: ${err.message}`);
        this.exited({ exitCode: 128, reason: 'StartError', message: err.message }, new Date(), new Date());
        return;
      }
      // generateContainerConfig failures: retried on the next pod sync (about every 10 s, or on a pod update).
      this.event('Warning', 'Failed', `Error: ${(err as Error).message}`);
      this.waiting('CreateContainerConfigError', (err as Error).message);
      this.retryIn(10_000);
      return;
    }
    if (this.stopping) return;
    this.launch(plan);
  }

  /** image_manager.go EnsureImageExists: no pull is tried; the next pod sync looks again. */
  private invalidImage(image: string, err: InvalidReference): void {
    const message = invalidImageMessage(image, err);
    this.event('Warning', 'InspectFailed', message);
    this.event('Warning', 'Failed', 'Error: InvalidImageName');
    this.waiting('InvalidImageName', message);
    this.retryIn(10_000);
  }

  private pullFailed(image: string): void {
    const wait = this.pullBackoff.remaining(this.lastFinish);
    if (wait > 0) {
      this.event('Normal', 'BackOff', `Back-off pulling image "${image}"`);
      this.event('Warning', 'Failed', 'Error: ImagePullBackOff');
      this.waiting('ImagePullBackOff', `Back-off pulling image "${image}"`);
      this.retryIn(wait);
      return;
    }
    const ref = normalizeImage(image);
    this.pullBackoff.next();
    this.lastFinish = Date.now();
    // containerd's message for an image it cannot resolve, plus what the playground can run.
    const message = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": `
      + `failed to resolve reference "${ref}": ${ref}: not found (the playground runs only the node image: node, node:<tag>, node@sha256:<digest>, or those on a mirror)`;
    this.event('Normal', 'Pulling', `Pulling image "${image}"`);
    this.event('Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
    this.event('Warning', 'Failed', 'Error: ErrImagePull');
    this.waiting('ErrImagePull', message);
    // The next pod sync shows the back-off.
    this.retryIn(1000);
  }

  private retryIn(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.attempt(), ms);
  }

  private launch(plan: SpawnPlan): void {
    const log = new LogFile(this.logPath(false) ?? '');
    const child = spawnPlan(plan);
    const id = randomBytes(32).toString('hex');
    const startedAt = new Date();
    let settle: () => void = () => undefined;
    const instance: Instance = { child, id, log, startedAt, probes: [], exited: new Promise((r) => { settle = r; }) };
    this.instance = instance;
    log.attach(child.stdout!, 'stdout');
    log.attach(child.stderr!, 'stderr');
    child.on('error', (err) => log.write('stderr', Buffer.from(`${err.message}\n`)));
    child.on('exit', (code, signal) => {
      const exitCode = exitCodeOf(code, signal);
      for (const probe of instance.probes) probe.stop();
      void log.close();
      this.instance = undefined;
      this.ready = false;
      this.started = false;
      const reason = exitCode === 0 ? 'Completed' : 'Error';
      this.exited({ exitCode, reason }, startedAt, new Date());
      settle();
    });
    this.containerID = `containerd://${id}`;
    this.event('Normal', 'Created', `Created container: ${this.spec.name}`);
    this.event('Normal', 'Started', `Started container ${this.spec.name}`);
    this.state = { running: { startedAt } };
    this.startProbes(instance);
    this.rt.changed();
  }

  private startProbes(instance: Instance): void {
    const ctx = { podIP: this.rt.podIP, container: this.spec, exec: (command: string[], timeoutMs: number) => this.exec(command, timeoutMs) };
    instance.probes = startContainerProbes(this.spec, ctx, {
      started: (hasReadinessProbe) => {
        this.started = true;
        // Without a readiness probe a started container is ready (prober results default).
        if (!hasReadinessProbe && !this.ephemeral && this.kind.role !== 'init') this.ready = true;
        this.rt.changed();
        if (this.kind.role === 'sidecar') this.kind.done?.();
      },
      readiness: (ok) => {
        this.ready = ok && this.started;
        this.rt.changed();
      },
      unhealthy: (what, output) => this.event('Warning', 'Unhealthy', `${what} probe failed: ${output}`),
      kill: (graceSeconds, why) => this.kill(instance, graceSeconds, why),
    });
  }

  private exited(terminated: { exitCode: number; reason: string; message?: string }, startedAt: Date, finishedAt: Date): void {
    this.lastFinish = finishedAt.getTime();
    const state: V1ContainerState = { terminated: { ...terminated, startedAt, finishedAt, containerID: this.containerID } };
    const policy = this.restartPolicy();
    const restart = !this.stopping && (policy === 'Always' || (policy === 'OnFailure' && terminated.exitCode !== 0));
    if (!restart) {
      this.state = state;
      this.rt.changed();
      if (this.kind.role === 'init' && terminated.exitCode === 0 && !this.stopping) this.kind.done?.();
      return;
    }
    this.lastState = state;
    const wait = this.crashBackoff.remaining(this.lastFinish);
    if (wait > 0) {
      const pod = this.rt.currentPod().metadata;
      this.event('Warning', 'BackOff', `Back-off restarting failed container ${this.spec.name} in pod ${pod?.name}_${pod?.namespace}(${pod?.uid})`);
      this.state = { waiting: { reason: 'CrashLoopBackOff', message: this.backoffMessage() } };
      this.rt.changed();
      this.timer = setTimeout(() => this.restart(), wait);
    } else {
      this.restart();
    }
  }

  private backoffMessage(): string {
    const pod = this.rt.currentPod().metadata;
    return `back-off ${goDuration(this.crashBackoff.period())} restarting failed container=${this.spec.name} pod=${pod?.name}_${pod?.namespace}(${pod?.uid})`;
  }

  private restart(): void {
    if (this.stopping) return;
    this.crashBackoff.next();
    this.restartCount += 1;
    void this.attempt();
  }

  /** Kills the current instance (probe failure); the exit then goes through the restart policy. */
  private kill(instance: Instance, graceSeconds: number | undefined, why: string): void {
    if (this.instance !== instance || instance.killReason) return;
    instance.killReason = why;
    this.event('Normal', 'Killing', `Container ${this.spec.name} ${why}, will be restarted`);
    const grace = (graceSeconds ?? this.rt.currentPod().spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    void this.terminate(instance, grace);
  }

  private async terminate(instance: Instance, graceMs: number): Promise<void> {
    signalGroup(instance.child, 'SIGTERM');
    const killer = setTimeout(() => signalGroup(instance.child, 'SIGKILL'), graceMs);
    await instance.exited;
    clearTimeout(killer);
    // Whatever the container's own children left behind goes too.
    signalGroup(instance.child, 'SIGKILL');
  }

  /** Stops for good: SIGTERM, SIGKILL after the grace period; resolves once the process is gone. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const instance = this.instance;
    if (instance) {
      for (const probe of instance.probes) probe.stop();
      this.event('Normal', 'Killing', `Stopping container ${this.spec.name}`);
      await this.terminate(instance, graceMs);
    } else if (this.state.waiting) {
      // Never ran, or waiting to restart: report the last instance's end, else an unknown end.
      this.state = this.lastState.terminated ? { terminated: { ...this.lastState.terminated } }
        : { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } };
    }
    this.ready = false;
  }

  /** Runs a command as an exec probe would, in the container's environment; resolves to the exit code. */
  private async exec(command: string[], timeoutMs: number): Promise<number> {
    let plan;
    try {
      plan = await this.plan(command);
    } catch {
      return 127;
    }
    return runToExit(plan, timeoutMs);
  }

  /** The process for this container, or for `command` in its environment (exec probes). */
  private async plan(command?: readonly string[]): Promise<SpawnPlan> {
    const pod = this.rt.currentPod();
    const env = await makeEnvironment(pod, this.spec, { podIPs: [this.rt.podIP], hostIP: this.rt.hostIP }, this.rt.sources);
    const containerDir = path.join(this.rt.podDir, 'containers', this.spec.name);
    return planProcess({ container: this.spec, env, mounts: this.rt.mounts(this.spec), preload: this.rt.preload, containerDir, podName: pod.metadata?.name ?? '' }, command);
  }
}
