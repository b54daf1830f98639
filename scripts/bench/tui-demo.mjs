#!/usr/bin/env node
// Shows the TUI on this terminal without a cluster: a stand-in session with recorded events.
// Usage: node scripts/bench/tui-demo.mjs [requests-per-second=20] [--setup]   (q leaves)
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntry } from './bundle-entry.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rate = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 20);
const out = mkdtempSync(join(root, 'node_modules', '.tui-demo-'));
let code = 1;
try {
  const file = join(out, 'demo.mjs');
  await bundleEntry(root, 'scripts/bench/tui-demo-entry.tsx', file);
  const { demo } = await import(pathToFileURL(file).href);
  code = await demo(rate, process.argv.includes('--setup'));
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(code);
