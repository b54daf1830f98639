// Benchmark (not a test): the reliability scenarios of issue 15 with the issue's own numbers, and
// their goals, run through the e2e tests that measure them (each prints one line of numbers):
//   agent killed (SIGKILL, as the OOM killer): the pod's agent port down, and matching requests
//     back at the laptop (goal: port down < 2 s, intercept back < 5 s);
//   laptop asleep 60 s (SIGSTOP/SIGCONT): traffic back at the pods after the stop (goal: <= 3 s),
//     back at the laptop after waking (goal: < 5 s);
//   API server away 30 s: back at the laptop through every pod after it returns (goal: < 10 s);
//   scale 2 -> 5: tunnels to all 5 after the last pod is ready (goal: < 5 s);
//   callers matching nothing: failed calls during an intercept against two plain rollout
//     restarts, in turns over 5 rounds (goal: no more).
// Usage: node scripts/bench/reliability.mjs [scenario...]   (after `npm run build`; ~5 min for all)
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenarios = [
  ['intercept-agent-killed', {}],
  ['intercept-laptop-sleeps', { RELIAB_SLEEP_MS: '60000' }],
  ['intercept-api-server-returns', { RELIAB_API_DOWN_MS: '30000' }],
  ['intercept-churn', {}],
  ['intercept-bystanders', { RELIAB_BYSTANDER_ROUNDS: '5' }],
];
const measured = /(agent killed|laptop slept|API server away|scale 2->5|deleted pod|rollout restart|callers matching nothing):[^\n]*/g;
const only = process.argv.slice(2);
let failed = false;
for (const [name, env] of scenarios.filter(([n]) => only.length === 0 || only.some((o) => n.includes(o)))) {
  // A file, not a pipe: jest exits before a pipe has taken what the test wrote last.
  const log = join(mkdtempSync(join(tmpdir(), 'bench-reliability-')), `${name}.log`);
  const fd = openSync(log, 'w');
  const r = spawnSync(process.execPath, ['--no-warnings=ExperimentalWarning', '--experimental-vm-modules', 'node_modules/jest/bin/jest.js', `test/e2e/${name}.integration.test.ts`], {
    cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const lines = readFileSync(log, 'utf8').match(measured) ?? [];
  console.log(`${name}${r.status === 0 ? '' : ` (FAILED, see ${log})`}`);
  for (const l of lines) console.log(`  ${l}`);
  failed ||= r.status !== 0;
}
process.exitCode = failed ? 1 : 0;
