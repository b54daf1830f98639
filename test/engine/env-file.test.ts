// The env file holds secrets: owner-only whether or not it existed (issue 16 item 4), and a file
// that existed with other bits gets them removed before the secrets are written into it.
import { chmodSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { writeEnvFile } from '../../plugin/engine/env-file.js';

const dir = mkdtempSync(join(tmpdir(), 'env-file-'));
const mode = (p: string) => statSync(p).mode & 0o777;

describe('writeEnvFile', () => {
  it('creates the file 0600', async () => {
    const file = join(dir, 'new.env');
    expect(await writeEnvFile(file, { A: 'x' }, 'compose')).toEqual({ written: 1, leftOut: [] });
    expect(mode(file)).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('A=x\n');
  });

  it.each([0o644, 0o666, 0o755, 0o400 | 0o200])('an existing file with mode %o ends 0600, its old content replaced', async (before) => {
    const file = join(dir, `old-${before.toString(8)}.env`);
    writeFileSync(file, 'OLD=a much longer old content that must not survive\n');
    chmodSync(file, before);
    await writeEnvFile(file, { TOKEN: 's3cr3t' }, 'compose');
    expect(mode(file)).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('TOKEN=s3cr3t\n');
  });

  it('writes through a symlink to its target, which ends 0600 (the link is not replaced)', async () => {
    const target = join(dir, 'target.env');
    writeFileSync(target, '');
    chmodSync(target, 0o644);
    const link = join(dir, 'link.env');
    symlinkSync(target, link);
    await writeEnvFile(link, { A: 'x' }, 'json');
    expect(mode(target)).toBe(0o600);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ A: 'x' });
  });

  it('counts what it left out, by name', async () => {
    const file = join(dir, 'docker.env');
    const r = await writeEnvFile(file, { A: 'x', B: 'two\nlines' }, 'docker');
    expect(r.written).toBe(1);
    expect(r.leftOut.map((l) => l.name)).toEqual(['B']);
    expect(readFileSync(file, 'utf8')).toBe('A=x\n');
  });
});
