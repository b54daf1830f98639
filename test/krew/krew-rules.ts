// krew's and krew-index's rules for a plugin manifest and its archives, as a checker the tests run.
// Sources: sigs.k8s.io/krew internal/index/validation/validate.go (ValidatePlugin, validatePlatform,
// validateSelector), cmd/validate-krew-manifest (supported os/arch pairs, overlapping selectors,
// description line length), internal/download (archive entries: directories and regular files, no
// ".." or absolute paths), and krew-index's review rules (shortDescription <= 50 characters,
// homepage, a license in every archive); the pairs list is shared/reference/toolchain.md's.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { listArchive } from './list-archive.js';

export const SUPPORTED_PAIRS = [
  'linux/386', 'linux/amd64', 'linux/arm', 'linux/arm64', 'linux/ppc64le',
  'darwin/amd64', 'darwin/arm64',
  'windows/386', 'windows/amd64', 'windows/arm64',
];
const WINDOWS_RESERVED = ['CON', 'PRN', 'AUX', 'NUL', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`])];
// krew's semver.Parse: a leading v, then semantic versioning 2.0.
const SEMVER = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export interface KrewPlatform {
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  uri?: string;
  sha256?: string;
  bin?: string;
  files?: { from?: string; to?: string }[];
}

export interface KrewManifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: { version?: string; homepage?: string; shortDescription?: string; description?: string; platforms?: KrewPlatform[] };
}

function selectorMatches(p: KrewPlatform, pair: string): boolean {
  const [os, arch] = pair.split('/');
  const labels = p.selector?.matchLabels ?? {};
  return Object.entries(labels).every(([k, v]) => (k === 'os' ? v === os : k === 'arch' ? v === arch : false));
}

function platformErrors(p: KrewPlatform, i: number): string[] {
  const e: string[] = [];
  const at = `spec.platforms[${i}]`;
  if (!p.uri) e.push(`${at}: uri has to be set`);
  if (!p.sha256 || !/^[a-f0-9]{64}$/.test(p.sha256)) e.push(`${at}: sha256 must be 64 lowercase hex characters`);
  if (!p.bin) e.push(`${at}: bin has to be set`);
  if (p.files !== undefined && (p.files.length === 0 || p.files.some((f) => !f.from || !f.to))) {
    e.push(`${at}: files has to be unspecified or non-empty, each with from and to`);
  }
  const labels = p.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) e.push(`${at}: selector.matchLabels must not be empty`);
  for (const k of Object.keys(labels ?? {})) if (k !== 'os' && k !== 'arch') e.push(`${at}: selector key "${k}" not supported`);
  if (p.selector?.matchExpressions) e.push(`${at}: use matchLabels only`);
  if (!SUPPORTED_PAIRS.some((pair) => selectorMatches(p, pair))) e.push(`${at}: selector matches no supported os/arch`);
  return e;
}

/** Every rule the manifest breaks; empty when krew and krew-index would take it. */
export function manifestErrors(m: KrewManifest, fileName: string): string[] {
  const e: string[] = [];
  const name = basename(fileName).replace(/\.yaml$/, '');
  if (m.apiVersion !== 'krew.googlecontainertools.github.com/v1alpha2') e.push(`apiVersion ${m.apiVersion} is not supported`);
  if (m.kind !== 'Plugin') e.push(`kind ${m.kind} is not Plugin`);
  if (!/^[\w-]+$/.test(name) || WINDOWS_RESERVED.includes(name.toUpperCase())) e.push(`plugin name "${name}" is not allowed`);
  if (m.metadata?.name !== name) e.push(`metadata.name ${m.metadata?.name} differs from the file name ${name}`);
  const spec = m.spec ?? {};
  if (!spec.version || !SEMVER.test(spec.version)) e.push(`spec.version ${spec.version} is not a semver with a leading v`);
  if (!spec.homepage) e.push('spec.homepage is missing');
  const short = spec.shortDescription ?? '';
  if (!short) e.push('spec.shortDescription is missing');
  if (/[\r\n]/.test(short)) e.push('spec.shortDescription has a line break');
  if (short.length > 50) e.push(`spec.shortDescription is ${short.length} characters (at most 50)`);
  for (const line of (spec.description ?? '').split('\n')) {
    if (line.length > 80 && line.trim().includes(' ')) e.push(`spec.description has a line over 80 characters: ${line}`);
  }
  const platforms = spec.platforms ?? [];
  if (platforms.length === 0) e.push('spec.platforms is empty');
  platforms.forEach((p, i) => e.push(...platformErrors(p, i)));
  for (const pair of SUPPORTED_PAIRS) {
    const hits = platforms.flatMap((p, i) => (selectorMatches(p, pair) && p.selector?.matchLabels ? [i] : []));
    if (hits.length > 1) e.push(`spec.platforms ${hits.join(', ')} overlap on ${pair}`);
  }
  return e;
}

/** What krew would refuse in the archive of one platform, or find missing from it. */
export function archiveErrors(file: string, p: KrewPlatform): string[] {
  const e: string[] = [];
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (sha !== p.sha256) e.push(`${basename(file)}: sha256 ${sha} differs from the manifest's ${p.sha256}`);
  const entries = listArchive(file);
  for (const x of entries) {
    if (x.type !== 'file' && x.type !== 'dir') e.push(`${basename(file)}: ${x.name} is a ${x.type}, not a regular file`);
    if (x.name.startsWith('/') || x.name.split('/').includes('..')) e.push(`${basename(file)}: ${x.name} is outside the archive`);
  }
  const files = new Map(entries.filter((x) => x.type === 'file').map((x) => [x.name.replace(/^\.\//, ''), x]));
  const bin = files.get((p.bin ?? '').replace(/^\.\//, ''));
  if (!bin) e.push(`${basename(file)}: no ${p.bin} (the manifest's bin)`);
  else if (!p.bin?.endsWith('.exe') && (bin.mode & 0o111) === 0) e.push(`${basename(file)}: ${p.bin} is not executable`);
  if (![...files.keys()].some((n) => /^LICEN[CS]E(\.\w+)?$/i.test(basename(n)))) e.push(`${basename(file)}: no LICENSE file`);
  return e;
}
