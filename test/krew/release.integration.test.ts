// `scripts/release.mjs` on small stand-in binaries (building the five real ones takes minutes):
// the archives and manifest it writes must pass krew's rules, hold the bin and a license, and have
// the sha256 the manifest says. The committed manifest is checked in manifest.test.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import yaml from 'js-yaml';
import { archiveErrors, manifestErrors, type KrewManifest } from './krew-rules.js';

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const targets = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win-x64'];
let work: string;

function release(binDir: string, out: string) {
  const manifest = join(out, 'krew', 'intercept.yaml');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'release.mjs'), '--bin-dir', binDir, '--out', out, '--manifest', manifest], {
    encoding: 'utf8',
  });
  return { ...r, manifest };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'krew-release-'));
  for (const t of targets) {
    const dir = join(work, 'bin', t);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, t.startsWith('win') ? 'kubectl-intercept.exe' : 'kubectl-intercept');
    writeFileSync(file, `#!/bin/sh\necho "stand-in ${t} $*"\n`);
    chmodSync(file, 0o755);
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the release script', () => {
  it('writes archives and a manifest that krew would install', () => {
    const out = join(work, 'out');
    const r = release(join(work, 'bin'), out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const m = yaml.load(readFileSync(r.manifest, 'utf8')) as KrewManifest;
    expect(manifestErrors(m, r.manifest)).toEqual([]);
    expect(m.spec?.version).toBe(`v${pkg.version}`);
    expect(m.spec?.platforms).toHaveLength(5);
    for (const p of m.spec?.platforms ?? []) {
      expect(archiveErrors(join(out, basename(p.uri ?? '')), p)).toEqual([]);
    }
  });

  it('packs the binary so that it runs once unpacked', () => {
    const out = join(work, 'out-run');
    expect(release(join(work, 'bin'), out).status).toBe(0);
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', join(out, `kubectl-intercept_v${pkg.version}_linux_amd64.tar.gz`), '-C', unpacked]);
    expect(execFileSync(join(unpacked, 'kubectl-intercept'), ['version'], { encoding: 'utf8' })).toBe('stand-in linux-x64 version\n');
    expect(readFileSync(join(unpacked, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });

  it('gives the same bytes for the same binaries', () => {
    const a = release(join(work, 'bin'), join(work, 'again-1'));
    const b = release(join(work, 'bin'), join(work, 'again-2'));
    expect(readFileSync(a.manifest, 'utf8')).toBe(readFileSync(b.manifest, 'utf8'));
  });

  it('the checks notice a tampered archive, a symlink and a missing license', () => {
    const out = join(work, 'out-bad');
    const r = release(join(work, 'bin'), out);
    const m = yaml.load(readFileSync(r.manifest, 'utf8')) as KrewManifest;
    const linux = m.spec!.platforms![0];
    const bad = join(work, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'kubectl-intercept'), '#!/bin/sh\n', { mode: 0o755 });
    execFileSync('ln', ['-s', 'kubectl-intercept', join(bad, 'LICENSE')]);
    const archive = join(out, basename(linux.uri!));
    execFileSync('tar', ['-czf', archive, '-C', bad, 'kubectl-intercept', 'LICENSE']);
    expect(archiveErrors(archive, linux)).toEqual([
      expect.stringMatching(/sha256 .* differs/),
      expect.stringMatching(/LICENSE is a symlink/),
      expect.stringMatching(/no LICENSE file/),
    ]);
  });

  it('refuses to run without every binary, naming the missing one', () => {
    rmSync(join(work, 'bin-partial'), { recursive: true, force: true });
    mkdirSync(join(work, 'bin-partial', 'linux-x64'), { recursive: true });
    writeFileSync(join(work, 'bin-partial', 'linux-x64', 'kubectl-intercept'), 'x');
    const r = release(join(work, 'bin-partial'), join(work, 'out-partial'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/missing binaries \(run npm run build:binary, or pass --bin-dir\)/);
    expect(r.stderr).toMatch(/win-x64\/kubectl-intercept\.exe/);
  });
});
