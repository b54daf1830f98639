// Probes (pkg/kubelet/prober): httpGet, tcpSocket and exec, run every periodSeconds after
// initialDelaySeconds with timeoutSeconds, and a result that flips only after successThreshold
// successes or failureThreshold failures in a row. The first probe runs as soon as the initial
// delay is over, so a pod without delay is probed right after its container starts; readiness
// probes are repeated quickly until their first success (see ProbeWorker.run).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { V1Container, V1Probe } from '@kubernetes/client-node';

const readinessWarmupMs = 200;

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

export interface ProbeContext {
  podIP: string;
  container: V1Container;
  /** Runs an exec probe's command in the container's environment; resolves to the exit code. */
  exec(command: string[], timeoutMs: number): Promise<number>;
}

/** Runs one probe attempt; resolves to success, or to a failure text like the kubelet's events. */
export async function probeOnce(probe: V1Probe, ctx: ProbeContext): Promise<{ ok: boolean; output: string }> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const port = resolvePort(probe.httpGet.port, ctx.container);
    const host = probe.httpGet.host || ctx.podIP;
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toUpperCase();
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of probe.httpGet.httpHeaders ?? []) headers[h.name] = h.value;
    const url = `${scheme.toLowerCase()}://${host.includes(':') ? `[${host}]` : host}:${port}${probe.httpGet.path ?? '/'}`;
    return new Promise((resolve) => {
      const lib = scheme === 'HTTPS' ? https : http;
      const req = lib.get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true, output: '' } : { ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
      req.on('timeout', () => req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')));
      req.on('error', (err) => resolve({ ok: false, output: `Get "${url}": ${dialText(err)}` }));
    });
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, ctx.container);
    const host = probe.tcpSocket.host || ctx.podIP;
    return new Promise((resolve) => {
      const socket = net.connect({ host, port, timeout: timeoutMs });
      socket.on('connect', () => {
        socket.destroy();
        resolve({ ok: true, output: '' });
      });
      socket.on('timeout', () => socket.destroy(new Error('i/o timeout')));
      socket.on('error', (err) => resolve({ ok: false, output: `dial tcp ${host}:${port}: ${dialText(err)}` }));
    });
  }
  if (probe.exec) {
    const code = await ctx.exec(probe.exec.command ?? [], timeoutMs);
    return code === 0 ? { ok: true, output: '' } : { ok: false, output: `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} exited with ${code}` };
  }
  if (probe.grpc) return { ok: false, output: 'grpc probes are not supported by the playground kubelet' };
  return { ok: false, output: 'probe has no handler' };
}

function dialText(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connect: connection refused';
  return err.message;
}

/** A numeric port, or a named one looked up in the container's ports (as the prober does). */
export function resolvePort(port: number | string, container: V1Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = container.ports?.find((p) => p.name === port);
  if (!found) throw new Error(`couldn't find port: ${port} in ${container.name}`);
  return found.containerPort;
}

/** Runs a probe on its schedule and reports the thresholded result whenever it changes. */
export class ProbeWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private successes = 0;
  private failures = 0;
  private everSucceeded = false;
  result: boolean;

  constructor(
    readonly kind: ProbeKind,
    private readonly probe: V1Probe,
    private readonly ctx: ProbeContext,
    private readonly onChange: (ok: boolean, output: string) => void,
  ) {
    // Readiness and startup start as failure; liveness as success (prober results manager).
    this.result = kind === 'liveness';
  }

  start(): void {
    this.schedule((this.probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.run(), ms);
  }

  private async run(): Promise<void> {
    let outcome: { ok: boolean; output: string };
    try {
      outcome = await probeOnce(this.probe, this.ctx);
    } catch (err) {
      outcome = { ok: false, output: (err as Error).message };
    }
    if (this.stopped) return;
    if (outcome.ok) {
      this.everSucceeded = true;
      this.successes += 1;
      this.failures = 0;
    } else {
      this.failures += 1;
      this.successes = 0;
    }
    const successThreshold = this.probe.successThreshold ?? 1;
    const failureThreshold = this.probe.failureThreshold ?? 3;
    if (!this.result && outcome.ok && this.successes >= successThreshold) {
      this.result = true;
      this.onChange(true, '');
    } else if (this.result && !outcome.ok && this.failures >= failureThreshold) {
      this.result = false;
      this.onChange(false, outcome.output);
    } else if (!outcome.ok && this.failures === failureThreshold) {
      this.onChange(false, outcome.output);
    }
    // A startup probe stops once it has succeeded (the container has started).
    if (this.kind === 'startup' && this.result) return;
    const period = (this.probe.periodSeconds ?? 10) * 1000;
    // Deliberate difference from the kubelet: until its first success a readiness probe is
    // repeated every 200 ms rather than every period, because a process is rarely listening at
    // the very first probe and the playground wants its pods Ready within a few seconds.
    // Failures before that first success change nothing (readiness starts as failure).
    const warmingUp = this.kind === 'readiness' && !this.everSucceeded;
    this.schedule(warmingUp ? Math.min(period, readinessWarmupMs) : period);
  }
}

export interface ContainerProbeHooks {
  /** The container counts as started (startup probe passed, or there is none). */
  started(hasReadinessProbe: boolean): void;
  readiness(ok: boolean): void;
  unhealthy(what: 'Readiness' | 'Liveness' | 'Startup', output: string): void;
  /** A liveness or startup probe failed for good: the container is to be killed and restarted. */
  kill(graceSeconds: number | undefined, why: string): void;
}

/**
 * A container's probes as the prober manager runs them: the startup probe first; readiness and
 * liveness only once it has passed. Returns the workers so they can be stopped with the instance.
 */
export function startContainerProbes(container: V1Container, ctx: ProbeContext, hooks: ContainerProbeHooks): ProbeWorker[] {
  const { readinessProbe: readiness, livenessProbe: liveness, startupProbe: startup } = container;
  const workers: ProbeWorker[] = [];
  const readinessWorker = readiness && new ProbeWorker('readiness', readiness, ctx, (ok, output) => {
    if (!ok) hooks.unhealthy('Readiness', output);
    hooks.readiness(ok);
  });
  const livenessWorker = liveness && new ProbeWorker('liveness', liveness, ctx, (ok, output) => {
    if (ok) return;
    hooks.unhealthy('Liveness', output);
    hooks.kill(liveness.terminationGracePeriodSeconds, 'failed liveness probe');
  });
  if (readinessWorker) workers.push(readinessWorker);
  if (livenessWorker) workers.push(livenessWorker);
  const afterStart = () => {
    hooks.started(readinessWorker !== undefined);
    readinessWorker?.start();
    livenessWorker?.start();
  };
  if (startup) {
    const startupWorker = new ProbeWorker('startup', startup, ctx, (ok, output) => {
      if (ok) {
        afterStart();
        return;
      }
      hooks.unhealthy('Startup', output);
      hooks.kill(startup.terminationGracePeriodSeconds, 'failed startup probe');
    });
    workers.push(startupWorker);
    startupWorker.start();
  } else {
    afterStart();
  }
  return workers;
}
