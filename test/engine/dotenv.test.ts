import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { dotenvValue, toDotenv } from '../../plugin/engine/dotenv.js';

const tricky: Record<string, string> = {
  PLAIN: 'db.svc:5432',
  SPACES: 'hello world',
  HASH: 'pass#word',
  EQUALS: 'a=b=c',
  DOUBLE: 'say "hi"',
  SINGLE: "it's",
  NEWLINE: 'line1\nline2',
  SINGLE_NEWLINE: "it's\nthere",
  QUOTES_AND_BACKSLASH: `it's "both" \\ here`,
  EMPTY: '',
  DOLLAR: 'cost $5 and $(HOME)',
  JSON: '{"a": [1, 2], "b": "c d"}',
};

describe('dotenv output', () => {
  it.each([
    ['abc', 'abc'],
    ['a b', "'a b'"],
    ["it's", `"it's"`],
    ['x\ny', "'x\ny'"],
    [`it's "q"`, '`it\'s "q"`'],
  ])('quotes %j as %s', (value, expected) => {
    expect(dotenvValue(value)).toBe(expected);
  });

  it("reads back unchanged with Node's own dotenv parser", () => {
    expect(parseEnv(toDotenv(tricky))).toEqual(tricky);
  });

  it('reads back unchanged when sourced by a POSIX shell, for values without line breaks or backticks', () => {
    const simple = Object.fromEntries(Object.entries(tricky).filter(([, v]) => !/[\n`\\]/.test(v) && !(v.includes("'") && v.includes('"'))));
    const file = join(mkdtempSync(join(tmpdir(), 'dotenv-')), '.env');
    writeFileSync(file, toDotenv(simple));
    const names = Object.keys(simple).sort();
    const out = execFileSync('sh', ['-c', `set -a; . "$1"; shift; for k; do eval "printf '%s\\0' \\"\\$$k\\""; done`, 'sh', file, ...names], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(names.map((n) => simple[n]));
  });
});
