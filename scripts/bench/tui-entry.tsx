// The TUI benchmark's body (bundled and run by scripts/bench/tui.mjs): the real runTui and
// component tree on a TTY-like stdout that counts and drops what is written, fed `rate` traffic
// events per second for `seconds`. Reports how many the view kept up with, render rate, event
// loop delay, CPU and RSS over time, then leaves with q like a user.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EventHub } from '../../plugin/engine/event-hub.js';
import type { EngineEvent } from '../../plugin/engine/events.js';
import { INFO, request, START } from '../../test/ui/fixtures/events.js';
import { FakeTtyIn, FakeTtyOut } from '../../test/ui/tty-streams.js';
import { runTui } from '../../ui/run-tui.js';

class LastFrameOut extends FakeTtyOut {
  writes = 0;
  /** The tail of the output, enough to hold the last frame. */
  last = '';
  override _write(chunk: Buffer | string, enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.writes++;
    this.last = (this.last + chunk.toString()).slice(-20_000);
    super._write(chunk, enc, done);
  }
}

export async function benchTui(opts: { seconds: number; rate: number; columns: number; rows: number }) {
  const events = new EventHub<EngineEvent>(500);
  const session = {
    events,
    async start() {
      for (const e of START) events.emit(e);
      return INFO;
    },
    async leave() {
      events.emit({ type: 'intercept', state: 'left', info: INFO });
    },
    async env() {
      return {};
    },
    lost: () => new Promise<string>(() => {}),
  };
  const stdout = new LastFrameOut({ columns: opts.columns, rows: opts.rows }, false);
  const stderr = new FakeTtyOut(undefined, false);
  const stdin = new FakeTtyIn();
  const done = runTui({
    session, header: { context: 'bench', server: 'https://127.0.0.1:6443', namespace: 'demo', user: 'bench' }, envFile: '/dev/null',
    stdout: stdout as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream,
    signals: [], catchCrashes: false,
  });
  await new Promise((r) => setTimeout(r, 300));
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const writes0 = stdout.writes;
  const rss: number[] = [];
  const heap: number[] = [];
  let sent = 0;
  // Emit in 10 ms ticks, catching up on the schedule so a slow tick does not lower the rate.
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - t0;
      const due = Math.min(Math.floor((elapsed / 1000) * opts.rate), opts.seconds * opts.rate);
      while (sent < due) {
        events.emit(request(sent, { id: `b${sent}`, start: Date.now() }));
        sent++;
      }
      if (elapsed >= opts.seconds * 1000) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
    const sampler = setInterval(() => {
      // With --expose-gc (tui.mjs passes it) the heap is measured after a full collection, so
      // growth means retained memory, not garbage waiting for the collector.
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      rss.push(m.rss);
      heap.push(m.heapUsed);
    }, 1000);
    sampler.unref();
    void done.finally(() => clearInterval(sampler));
  });
  // Give the view one interval to fold the last batch, then read what the last frame says.
  await new Promise((r) => setTimeout(r, 250));
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lag.disable();
  const counts = [...stdout.last.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').matchAll(/intercepted ([\d,]+)/g)];
  const shown = counts[counts.length - 1];
  const leaveT0 = performance.now();
  stdin.write('q');
  const code = await done;
  return {
    sent,
    shownTotal: shown ? Number(shown[1].replace(/,/g, '')) : -1,
    wallSeconds: wall,
    writesPerSecond: (stdout.writes - writes0) / wall,
    bytesWritten: stdout.bytes,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / (wall * 1000)) * 100,
    loopDelayP50Ms: lag.percentile(50) / 1e6,
    loopDelayP99Ms: lag.percentile(99) / 1e6,
    loopDelayMaxMs: lag.max / 1e6,
    rssMB: rss.map((b) => Math.round(b / 1e6)),
    heapMB: heap.map((b) => Math.round(b / 1e6)),
    quitMs: performance.now() - leaveT0,
    exitCode: code,
  };
}
