// Benchmark: wall time and peak RSS of `kubectl intercept version --client` and of `list` against
// a playground, for the single binary and for the JS bundle (dist/kubectl-intercept on the
// machine's node), run directly and through kubectl's plugin lookup, plus the binary's node mode
// and a bare Node start for scale. The playground runs from the bundle (`playground` command) and
// gets 200 extra workloads for `list`. Goals: version under 0.3 s, list under 1 s.
// Usage: node scripts/bench/startup.mjs [runs=15] [--binary PATH]
// Needs `npm run build` and `npm run build:binary -- --target <this machine>` first. Goal: version
// under 0.3 s. Python's os.wait4 measures each child (wall time and ru_maxrss), so the numbers are
// the process's own, not this script's.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const host = `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { binary: { type: 'string', default: join(root, 'dist', 'bin', host, 'kubectl-intercept') } },
});
const runs = Number(positionals[0] ?? 15);
const binary = values.binary;
const bundle = join(root, 'dist', 'kubectl-intercept');
for (const [file, how] of [[binary, `npm run build:binary -- --target ${host}`], [bundle, 'npm run build']]) {
  if (!existsSync(file)) throw new Error(`${file} is missing: run ${how}`);
}

const MEASURE = `
import json, os, subprocess, sys, time
runs, env, cmd = int(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3:]
out = []
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        sys.exit('%s exited with %d: %s' % (' '.join(cmd), os.waitstatus_to_exitcode(status), p.stderr.read().decode()))
    out.append({'wall': wall, 'cpu': usage.ru_utime + usage.ru_stime, 'rssKB': usage.ru_maxrss})
print(json.dumps(out))
`;

function measure(cmd, env) {
  const samples = JSON.parse(execFileSync('python3', ['-c', MEASURE, String(runs), JSON.stringify(env), ...cmd], { encoding: 'utf8' }));
  const sorted = (k) => samples.map((s) => s[k]).sort((a, b) => a - b);
  const at = (xs, q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
  return { median: at(sorted('wall'), 0.5), p90: at(sorted('wall'), 0.9), cpu: at(sorted('cpu'), 0.5), rssMB: at(sorted('rssKB'), 0.5) / 1024 };
}

// kubectl finds kubectl-intercept on PATH: one folder per variant holding just that name.
const work = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const onPath = (name, file) => {
  const dir = join(work, name);
  mkdirSync(dir);
  symlinkSync(file, join(dir, 'kubectl-intercept'));
  return dir;
};
const baseEnv = { HOME: work, KUBECONFIG: join(work, 'none') };
const pathWith = (dir) => ({ ...baseEnv, PATH: `${dir}:${process.env.PATH}` });
const binDir = onPath('binary', binary);
const jsDir = onPath('bundle', bundle);
writeFileSync(join(work, 'noop.js'), 'process.exitCode = 0;\n');

const rows = [
  ['binary: kubectl-intercept version --client', [binary, 'version', '--client'], pathWith(binDir), true],
  ['binary: kubectl intercept version --client', ['kubectl', 'intercept', 'version', '--client'], pathWith(binDir), true],
  ['bundle: kubectl-intercept version --client', [bundle, 'version', '--client'], pathWith(jsDir), true],
  ['bundle: kubectl intercept version --client', ['kubectl', 'intercept', 'version', '--client'], pathWith(jsDir), true],
  ['binary as node: noop script', [binary, join(work, 'noop.js')], { ...pathWith(binDir), KUBECTL_INTERCEPT_AS_NODE: '1' }, false],
  [`node ${process.version} -e 0 (floor)`, [process.execPath, '-e', '0'], pathWith(binDir), false],
  ["kubectl version --client (kubectl's own start)", ['kubectl', 'version', '--client'], pathWith(binDir), false],
];
/** Starts `playground` from the bundle; resolves once `list` shows both demo workloads ready. */
async function startPlayground() {
  const kubeconfig = join(work, 'playground.yaml');
  const child = spawn(bundle, ['playground', '--kubeconfig-out', kubeconfig, '--no-traffic'], {
    env: { ...process.env, HOME: work },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the playground exited ${child.exitCode}:\n${log}`);
    if (existsSync(kubeconfig)) {
      const r = spawnSync(bundle, ['list', '--kubeconfig', kubeconfig], { encoding: 'utf8', env: baseEnv });
      if (r.status === 0 && (r.stdout.match(/ 2\/2 /g) ?? []).length >= 2) return { child, kubeconfig };
    }
    await new Promise((res) => setTimeout(res, 500));
  }
  child.kill('SIGTERM');
  throw new Error(`the playground was not ready within 90 s:\n${log}`);
}

/**
 * 200 more workloads, each with a Service, so `list` has real work. Zero replicas: list reads
 * Deployments and Services, and 200 running pods would only measure this machine's memory.
 */
function addWorkloads(kubeconfig, count) {
  const items = [];
  for (let i = 0; i < count; i++) {
    const name = `bench-${String(i).padStart(3, '0')}`;
    const labels = { app: name };
    items.push(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' }, spec: { replicas: 0, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'node:22-alpine', ports: [{ name: 'http', containerPort: 8080 }] }] } } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: labels, ports: [{ port: 8080, targetPort: 'http' }] } },
    );
  }
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(work, 'kube-cache'), 'apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl apply of ${count} workloads failed: ${r.stderr}`);
}

function report(label, cmd, env, goal) {
  const m = measure(cmd, env);
  const verdict = goal ? (m.median < goal ? `  (goal < ${goal} s: met)` : `  (goal < ${goal} s: MISSED)`) : '';
  console.log(`${label.padEnd(46)} ${m.median.toFixed(3)} s / ${m.p90.toFixed(3)} s  cpu ${m.cpu.toFixed(3)} s  ${m.rssMB.toFixed(0).padStart(4)} MB${verdict}`);
}

let playground;
try {
  console.log(`${runs} runs each on ${host}; wall time median / p90, CPU time (user+sys, all threads) median, peak RSS median\n`);
  console.log(`load average now: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs (wall times grow with it)\n`);
  for (const [label, cmd, env, goal] of rows) report(label, cmd, env, goal ? 0.3 : 0);
  playground = await startPlayground();
  addWorkloads(playground.kubeconfig, 200);
  const kc = ['--kubeconfig', playground.kubeconfig];
  console.log('\nlist against the playground with 202 workloads (the demo and 200 more, each with a Service):');
  report('binary: kubectl intercept list', ['kubectl', 'intercept', 'list', ...kc], pathWith(binDir), 1);
  report('bundle: kubectl intercept list', ['kubectl', 'intercept', 'list', ...kc], pathWith(jsDir), 1);
} finally {
  if (playground) {
    playground.child.kill('SIGTERM');
    await new Promise((res) => playground.child.once('exit', res));
  }
  rmSync(work, { recursive: true, force: true });
}
