#!/usr/bin/env node
// TUI benchmark (not a test): the real component tree under a flood of requests.
// Usage: node scripts/bench/tui.mjs [seconds=60] [rate=1000] [columns=80] [rows=24] [--ink-own-measure-cache]
// Bundles scripts/bench/tui-entry.tsx with esbuild (the sources are TypeScript), then feeds
// `rate` traffic events/s for `seconds` into runTui rendering to a null TTY, and prints how many
// the view kept up with, frames/s, event-loop delay, CPU and RSS per second (flat = bounded).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntry } from './bundle-entry.mjs';

// Heap sizes mean something only after a full collection: run again with --expose-gc.
if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Measures what the CLI ships: Ink bundled with the bounded measure cache. --ink-own-measure-cache
// shows Ink's own, which keeps every string it measured (the heap grows ~50 bytes per request).
const bounded = !process.argv.includes('--ink-own-measure-cache');
const [seconds = 60, rate = 1000, columns = 80, rows = 24] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
const out = mkdtempSync(join(root, 'node_modules', '.bench-tui-'));
try {
  const file = join(out, 'tui.mjs');
  await bundleEntry(root, 'scripts/bench/tui-entry.tsx', file, { inkOwnMeasureCache: !bounded });
  process.env.NODE_ENV ??= 'production';
  const { benchTui } = await import(pathToFileURL(file).href);
  console.log(`feeding ${rate} requests/s for ${seconds} s into the traffic view at ${columns}x${rows}…`);
  const r = await benchTui({ seconds, rate, columns, rows });
  const keptUp = r.shownTotal === r.sent ? 'all' : `${r.shownTotal} of ${r.sent}`;
  console.log(`sent ${r.sent} requests in ${r.wallSeconds.toFixed(1)} s (${(r.sent / r.wallSeconds).toFixed(0)}/s); the last frame counted ${keptUp}`);
  console.log(`terminal writes: ${r.writesPerSecond.toFixed(1)}/s, ${(r.bytesWritten / 1e6).toFixed(1)} MB written`);
  console.log(`CPU: ${r.cpuPercent.toFixed(0)}% of one core; event-loop delay p50 ${r.loopDelayP50Ms.toFixed(1)} ms, p99 ${r.loopDelayP99Ms.toFixed(1)} ms, max ${r.loopDelayMaxMs.toFixed(1)} ms`);
  console.log(`RSS by second (MB): ${r.rssMB.join(' ')}`);
  console.log(`heap after GC by second (MB): ${r.heapMB.join(' ')}`);
  console.log(`q -> exit: ${r.quitMs.toFixed(0)} ms, exit code ${r.exitCode}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
