// Gets each target's Node binary from its npm package (npm pack: the registry and npm's cache, no
// install, so packages for other platforms are fine) and seeds pkg's SEA download cache with it,
// so pkg finds every Node it needs and never asks nodejs.org. The cache layout below is pkg
// 6.23.0's (lib-es5/sea.js getNodejsExecutable/extract): the archive and the extracted binary, each
// with a ".ok" marker file. It is pkg internals: the version is pinned and test/binary covers it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NODE_VERSION, isWindows } from './targets.mjs';

/** Where pkg looks for a target's Node, below the HOME it runs with. */
export function seededPaths(target, home) {
  const [os, arch] = target.name.split('-');
  const base = join(home, '.pkg-cache', 'sea', `node-v${NODE_VERSION}-${os}-${arch}`);
  return isWindows(target)
    ? { archive: `${base}.zip`, binary: `${base}.exe` }
    : { archive: `${base}.tar.gz`, binary: join(base, 'bin', 'node') };
}

function integrityOf(file) {
  return 'sha512-' + createHash('sha512').update(readFileSync(file)).digest('base64');
}

/** The npm package's tarball, downloaded once into `cacheDir` and checked against the pinned integrity. */
function packageTarball(target, cacheDir) {
  const tgz = join(cacheDir, `${target.npm}-${NODE_VERSION}.tgz`);
  if (!existsSync(tgz) || integrityOf(tgz) !== target.integrity) {
    mkdirSync(cacheDir, { recursive: true });
    console.log(`fetching ${target.npm}@${NODE_VERSION} from the npm registry`);
    execFileSync('npm', ['pack', `${target.npm}@${NODE_VERSION}`, '--pack-destination', cacheDir, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const got = integrityOf(tgz);
  if (got !== target.integrity) {
    throw new Error(
      `${tgz} has integrity ${got}, expected ${target.integrity} (scripts/binary/targets.mjs); ` +
        'delete it and build again, or check what the registry serves',
    );
  }
  return tgz;
}

/** Puts the target's Node where pkg looks for it (below `home`); returns the binary's path. */
export function seedNodeBinary(target, cacheDir, home) {
  const { archive, binary } = seededPaths(target, home);
  if (existsSync(`${binary}.ok`) && existsSync(binary) && existsSync(`${archive}.ok`)) return binary;
  const tgz = packageTarball(target, cacheDir);
  const member = `package/bin/${isWindows(target) ? 'node.exe' : 'node'}`;
  const scratch = mkdtempSync(join(cacheDir, `extract-${target.name}-`));
  execFileSync('tar', ['-xzf', tgz, '-C', scratch, member], { stdio: 'inherit' });
  mkdirSync(dirname(binary), { recursive: true });
  renameSync(join(scratch, member), binary);
  rmSync(scratch, { recursive: true, force: true });
  // pkg only checks that the archive and both markers exist; it never opens the archive when the
  // extracted binary is marked complete.
  writeFileSync(archive, `placeholder: ${target.npm}@${NODE_VERSION} is seeded by scripts/binary/node-binaries.mjs\n`);
  writeFileSync(`${archive}.ok`, '');
  writeFileSync(`${binary}.ok`, '');
  return binary;
}
