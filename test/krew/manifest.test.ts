// The committed krew/intercept.yaml against krew's and krew-index's rules, and the rules themselves
// on manifests that break them (so a green check means something).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import yaml from 'js-yaml';
import { manifestErrors, type KrewManifest } from './krew-rules.js';

const root = process.cwd();
const committedPath = join(root, 'krew', 'intercept.yaml');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

function committed(): KrewManifest {
  return yaml.load(readFileSync(committedPath, 'utf8')) as KrewManifest;
}

describe('the committed krew manifest', () => {
  it('passes krew and krew-index validation', () => {
    expect(manifestErrors(committed(), committedPath)).toEqual([]);
  });

  it("carries package.json's version and one archive per target, named after it", () => {
    const m = committed();
    expect(m.spec?.version).toBe(`v${pkg.version}`);
    const pairs = (m.spec?.platforms ?? []).map((p) => `${p.selector?.matchLabels?.os}/${p.selector?.matchLabels?.arch}`);
    expect(pairs.sort()).toEqual(['darwin/amd64', 'darwin/arm64', 'linux/amd64', 'linux/arm64', 'windows/amd64']);
    for (const p of m.spec?.platforms ?? []) {
      const { os, arch } = p.selector?.matchLabels ?? {};
      const ext = os === 'windows' ? 'zip' : 'tar.gz';
      expect(p.uri).toBe(
        `https://github.com/kubectl-intercept/kubectl-intercept/releases/download/v${pkg.version}/kubectl-intercept_v${pkg.version}_${os}_${arch}.${ext}`,
      );
      expect(p.bin).toBe(os === 'windows' ? 'kubectl-intercept.exe' : 'kubectl-intercept');
    }
  });
});

describe('the krew rules', () => {
  const platform = (os: string, arch: string) => ({
    selector: { matchLabels: { os, arch } },
    uri: 'https://example.invalid/a.tar.gz',
    sha256: 'a'.repeat(64),
    bin: 'kubectl-intercept',
  });
  const good: KrewManifest = {
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: { name: 'intercept' },
    spec: { version: 'v1.2.3', homepage: 'https://example.invalid', shortDescription: 'Short', platforms: [platform('linux', 'amd64')] },
  };
  const withSpec = (spec: Partial<NonNullable<KrewManifest['spec']>>): KrewManifest => ({ ...good, spec: { ...good.spec, ...spec } });

  it('accepts a minimal valid manifest', () => {
    expect(manifestErrors(good, 'intercept.yaml')).toEqual([]);
  });

  it('rejects what krew and krew-index reject', () => {
    expect(manifestErrors(good, 'other.yaml')).toEqual([expect.stringMatching(/differs from the file name other/)]);
    expect(manifestErrors(withSpec({ version: '1.2.3' }), 'intercept.yaml')).toEqual([expect.stringMatching(/leading v/)]);
    expect(manifestErrors(withSpec({ shortDescription: 'x'.repeat(51) }), 'intercept.yaml')).toEqual([
      expect.stringMatching(/51 characters/),
    ]);
    expect(manifestErrors(withSpec({ platforms: [platform('linux', 'amd64'), platform('linux', 'amd64')] }), 'intercept.yaml')).toEqual([
      expect.stringMatching(/overlap on linux\/amd64/),
    ]);
    expect(manifestErrors(withSpec({ platforms: [{ ...platform('linux', 'amd64'), sha256: 'ABC' }] }), 'intercept.yaml')).toEqual([
      expect.stringMatching(/sha256/),
    ]);
    expect(manifestErrors(withSpec({ platforms: [platform('plan9', 'amd64')] }), 'intercept.yaml')).toEqual([
      expect.stringMatching(/no supported os\/arch/),
    ]);
    const extraKey = { ...platform('linux', 'amd64'), selector: { matchLabels: { os: 'linux', arch: 'amd64', libc: 'musl' } } };
    expect(manifestErrors(withSpec({ platforms: [extraKey] }), 'intercept.yaml')).toEqual(
      expect.arrayContaining([expect.stringMatching(/key "libc" not supported/)]),
    );
  });
});
