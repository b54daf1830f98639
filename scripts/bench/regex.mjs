#!/usr/bin/env node
// Regex benchmark (not a test): how long the agent's linear-time matcher takes on catastrophic
// patterns over 8 KiB and 100 KB inputs, what the backtracking RegExp took, and a real agent's
// pass-through latency with `^(a+)+$` registered, idle and while hostile callers keep sending.
// Usage: node scripts/bench/regex.mjs [requests=1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntry } from './bundle-entry.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const requests = Number(process.argv[2] ?? 1000);
// Beside node_modules, so that the bundle's external packages (esbuild, ws) resolve; three levels
// below the root, where the bundled test fixtures look for the repository (../../..).
const out = mkdtempSync(join(root, 'node_modules', '.bench-regex-'));
try {
  const file = join(out, 'entry', 'regex.mjs');
  await bundleEntry(root, 'scripts/bench/regex-entry.ts', file, { inkOwnMeasureCache: true });
  const { matcherLines, agentLines } = await import(pathToFileURL(file).href);
  for (const line of matcherLines()) console.log(line);
  for (const line of await agentLines(requests)) console.log(line);
} finally {
  rmSync(out, { recursive: true, force: true });
}
