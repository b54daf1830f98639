// `npm run build:binary [-- --target linux-x64 ...] [--out DIR] [--no-bundle]`: the single
// kubectl-intercept binary for each target, made by @yao-pkg/pkg (enhanced SEA) from the esbuild
// bundle of scripts/build.mjs (the agent is embedded in it, so the binary needs no other file) and
// the Node 22 binaries of npm packages. Offline but for npm. Output: DIR/<target>/kubectl-intercept
// (.exe on windows), DIR defaulting to dist/bin. macOS binaries still need an ad-hoc signature on
// a Mac before they run (docs/notes/binary.md).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { seedNodeBinary } from './binary/node-binaries.mjs';
import { NODE_VERSION, TARGETS, binName, hostTarget, isWindows, targetByName } from './binary/targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.cache', 'kubectl-intercept-binary');
const pkgHome = join(cacheDir, 'home');

function parseCli(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string', multiple: true },
      out: { type: 'string', default: join(root, 'dist', 'bin') },
      'no-bundle': { type: 'boolean', default: false },
    },
  });
  const targets = values.target ? values.target.flatMap((t) => t.split(',')).map(targetByName) : TARGETS;
  return { targets, out: values.out, bundle: !values['no-bundle'] };
}

/** The packaging directory pkg's enhanced SEA mode takes: a package.json with "bin" and the ESM entry. */
function writeApp(work, version) {
  const app = join(work, 'app');
  mkdirSync(app);
  // ".js" under "type": "module": the CLI prints its usage name from this file name. In bin/ so
  // that the bundle's `new URL('../package.json', import.meta.url)` (the version fallback of
  // plugin/version.ts, unused once the build stamps the version) finds a file when pkg walks it.
  mkdirSync(join(app, 'bin'));
  copyFileSync(join(root, 'dist', 'kubectl-intercept'), join(app, 'bin', 'kubectl-intercept.js'));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'kubectl-intercept', version, type: 'module', bin: 'bin/kubectl-intercept.js', pkg: { sea: true } }, null, 2),
  );
  return app;
}

function runPkg(hostNode, app, targets, scratch) {
  const pkgBin = join(root, 'node_modules', '@yao-pkg', 'pkg', 'lib-es5', 'bin.js');
  const args = ['--import', pathToFileURL(join(root, 'scripts', 'binary', 'no-network.mjs')).href, pkgBin, app, '--sea'];
  args.push('--targets', targets.map((t) => t.pkg).join(','), '--out-path', scratch);
  execFileSync(hostNode, args, {
    cwd: app,
    stdio: 'inherit',
    // pkg finds its Node downloads under os.homedir(): point it at the seeded cache.
    env: { ...process.env, HOME: pkgHome, USERPROFILE: pkgHome, PKG_CACHE_PATH: join(pkgHome, '.pkg-cache') },
  });
}

/**
 * pkg names each output kubectl-intercept plus the parts of its target that differ between the
 * targets of the run (-linux, -x64, -macos-arm64, nothing for one target), .exe on windows.
 */
function pkgOutput(scratch, target) {
  const files = readdirSync(scratch);
  const parts = target.pkg.split('-');
  const matches = files.filter((f) => {
    const suffix = f.replace(/\.exe$/, '').slice('kubectl-intercept'.length).split('-').filter(Boolean);
    return f.startsWith('kubectl-intercept') && suffix.every((p) => parts.includes(p)) && f.endsWith('.exe') === isWindows(target);
  });
  if (matches.length !== 1) {
    throw new Error(`cannot tell pkg's binary for ${target.name} in ${scratch} (found: ${files.join(', ') || 'nothing'})`);
  }
  return join(scratch, matches[0]);
}

/** The host's binary must start and print the version it was built with. */
function smokeTest(file, version) {
  const out = execFileSync(file, ['version', '--client'], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '' } });
  if (!out.includes(`v${version}`)) throw new Error(`${file} printed ${JSON.stringify(out)}, expected version v${version}`);
}

async function main() {
  const { targets, out, bundle } = parseCli(process.argv.slice(2));
  const started = Date.now();
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  if (bundle) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (!existsSync(join(root, 'dist', 'kubectl-intercept'))) throw new Error('dist/kubectl-intercept is missing: run npm run build');

  const host = hostTarget();
  if (!host) throw new Error(`no Node ${NODE_VERSION} package for this machine (${process.platform}-${process.arch}) to run pkg with`);
  // pkg's SEA mode needs Node >= 22 to run and the exact target version to make the blob.
  const hostNode = seedNodeBinary(host, cacheDir, pkgHome);
  for (const t of targets) seedNodeBinary(t, cacheDir, pkgHome);

  // A work folder per run: a test may build while someone runs build:binary.
  const work = mkdtempSync(join(cacheDir, 'run-'));
  try {
    const app = writeApp(work, version);
    const scratch = join(work, 'out');
    mkdirSync(scratch);
    runPkg(hostNode, app, targets, scratch);
    for (const t of targets) {
      const dest = join(out, t.name, binName(t));
      mkdirSync(dirname(dest), { recursive: true });
      rmSync(dest, { force: true });
      copyFileSync(pkgOutput(scratch, t), dest);
      chmodSync(dest, 0o755);
      if (t === host) smokeTest(dest, version);
      console.log(`${dest}: ${(statSync(dest).size / 1e6).toFixed(1)} MB`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`built ${targets.length} binar${targets.length === 1 ? 'y' : 'ies'} (Node ${NODE_VERSION}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(`build-binary: ${err.message}`);
  process.exitCode = 1;
});
