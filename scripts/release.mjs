// `npm run release [-- --bin-dir DIR] [--out DIR] [--manifest FILE] [--base-url URL]`: the krew
// archives (tar.gz; zip for windows) of the binaries `npm run build:binary` made, each holding the
// binary, LICENSE and README.md, and the krew manifest with their sha256. No network. Sign the
// macOS binaries (on a Mac) before this step: the sha256 covers the signed bytes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TARGETS, binName, isWindows } from './binary/targets.mjs';
import { tarGz, zip } from './release/archive.mjs';
import { releaseUrl, renderManifest } from './release/manifest.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseCli(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'bin-dir': { type: 'string', default: join(root, 'dist', 'bin') },
      out: { type: 'string', default: join(root, 'dist', 'release') },
      manifest: { type: 'string', default: join(root, 'krew', 'intercept.yaml') },
      'base-url': { type: 'string' },
    },
  });
  return { binDir: resolve(values['bin-dir']), out: resolve(values.out), manifest: resolve(values.manifest), baseUrl: values['base-url'] };
}

export function archiveName(version, target) {
  const { os, arch } = target.krew;
  return `kubectl-intercept_v${version}_${os}_${arch}.${isWindows(target) ? 'zip' : 'tar.gz'}`;
}

function main() {
  const { binDir, out, manifest, baseUrl } = parseCli(process.argv.slice(2));
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const missing = TARGETS.map((t) => join(binDir, t.name, binName(t))).filter((f) => !existsSync(f));
  if (missing.length) {
    throw new Error(`missing binaries (run npm run build:binary, or pass --bin-dir):\n  ${missing.join('\n  ')}`);
  }
  const docs = [
    { name: 'LICENSE', data: readFileSync(join(root, 'LICENSE')), mode: 0o644 },
    { name: 'README.md', data: readFileSync(join(root, 'README.md')), mode: 0o644 },
  ];
  mkdirSync(out, { recursive: true });
  const platforms = TARGETS.map((t) => {
    const bin = { name: binName(t), data: readFileSync(join(binDir, t.name, binName(t))), mode: 0o755 };
    const name = archiveName(version, t);
    const bytes = isWindows(t) ? zip([bin, ...docs]) : tarGz([bin, ...docs]);
    writeFileSync(join(out, name), bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    console.log(`${join(out, name)}: ${(bytes.length / 1e6).toFixed(1)} MB, sha256 ${sha256}`);
    return { ...t.krew, uri: releaseUrl(version, name, baseUrl), sha256, bin: bin.name };
  });
  mkdirSync(dirname(manifest), { recursive: true });
  writeFileSync(manifest, renderManifest({ version, platforms }));
  console.log(`wrote ${manifest} (v${version}, ${platforms.length} platforms, ${statSync(manifest).size} bytes)`);
}

try {
  main();
} catch (err) {
  console.error(`release: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
