// Benchmark: time from startPlayground() to all demo pods Ready, over several runs.
// Usage: node scripts/bench/playground.mjs [runs=5]
// Bundles plugin/playground/playground.ts with esbuild into a temp file first (the sources are
// TypeScript), then starts and stops the playground `runs` times in this process.
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runs = Number(process.argv[2] ?? 5);
const out = mkdtempSync(join(root, 'node_modules', '.bench-playground-'));
try {
  const file = join(out, 'playground.mjs');
  await build({
    entryPoints: [join(root, 'plugin/playground/playground.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const { startPlayground } = await import(pathToFileURL(file).href);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const marks = [];
    const pg = await startPlayground({ demo: true, onProgress: (m) => marks.push([Math.round(performance.now() - t0), m]) });
    const started = performance.now() - t0;
    await pg.ready;
    const ready = performance.now() - t0;
    await pg.stop();
    const stopped = performance.now() - t0 - ready;
    times.push(ready);
    console.log(`run ${i + 1}: started ${started.toFixed(0)} ms, all demo pods Ready ${ready.toFixed(0)} ms, stop ${stopped.toFixed(0)} ms`);
    if (process.env.VERBOSE) for (const [t, m] of marks) console.log(`    ${String(t).padStart(5)} ms  ${m}`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`start -> all demo pods Ready over ${runs} runs: min ${sorted[0].toFixed(0)} ms, median ${median.toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms (goal < 3000 ms)`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
