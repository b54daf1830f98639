// Each --env-syntax read back by its real reader where one is on this machine (dash and bash
// sourcing the file, Node's own dotenv parser, python-dotenv, python's json), with hostile values:
// nothing may run, every value written must come back exactly, and every value left out is named.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { formatEnv, type EnvSyntax } from '../../plugin/engine/env-syntax.js';

const dir = mkdtempSync(join(tmpdir(), 'env-syntax-'));
const marks = join(dir, 'marks');
execFileSync('mkdir', [marks]);
const mark = (n: number) => join(marks, `ran-${n}`);

const env: Record<string, string> = {
  PLAIN: 'db.svc:5432',
  SPACES: 'hello world',
  HASH: 'pass#word',
  EQUALS: 'a=b=c',
  DOUBLE: 'say "hi"',
  SINGLE: "it's",
  NEWLINE: 'line1\nline2',
  EMPTY: '',
  DOLLAR: 'cost $5 and $HOME',
  JSON: '{"a": [1, 2], "b": "c d"}',
  LEADING_TRAILING: '  both  ',
  TAB_CR: 'a\tb\rc',
  BACKSLASH: 'C:\\dir\\x',
  UNICODE: 'naïve ‘quoted’ ✓',
  BANG: 'hi!',
  PERCENT: '100%',
  CMD_SUBST: `$(touch ${mark(1)})`,
  BACKTICKS: `\`touch ${mark(2)}\``,
  DQ_BREAKOUT: `"; touch ${mark(3)}; echo "`,
  SQ_BREAKOUT: `'; touch ${mark(4)}; echo '`,
  NEWLINE_CMD: `x\ntouch ${mark(5)}`,
  QUOTE_AND_SUBST: `it's $(touch ${mark(6)})`,
  QUOTE_AND_BACKTICK: `it's \`touch ${mark(7)}\``,
  QUOTES_AND_BACKSLASH: `it's "both" \\ here`,
  UNC: '\\\\server\\share',
};

function written(syntax: EnvSyntax): { file: string; leftOut: string[] } {
  const { text, leftOut } = formatEnv(env, syntax);
  const file = join(dir, `${syntax.replace(':', '-')}.env`);
  writeFileSync(file, text);
  return { file, leftOut: leftOut.map((l) => l.name) };
}

/** What a shell's environment holds after `set -a; . FILE` (or plain `. FILE` for :export). */
function sourced(shell: string, file: string, exported: boolean): Record<string, string> {
  const out = execFileSync('env', ['-i', 'PATH=/usr/bin:/bin', shell, '-c', `${exported ? '' : 'set -a; '}. "$1"; env -0`, shell, file], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

function expectExact(read: Record<string, string>, leftOut: string[]): void {
  for (const name of Object.keys(env)) {
    if (leftOut.includes(name)) expect(read[name]).toBeUndefined();
    else expect([name, read[name]]).toEqual([name, env[name]]);
  }
  expect(readdirSync(marks)).toEqual([]);
}

const shells = ['dash', 'bash', 'zsh', 'ksh'].filter((s) => existsSync(`/usr/bin/${s}`) || existsSync(`/bin/${s}`));

describe('compose, the default', () => {
  const { file, leftOut } = written('compose');

  it('leaves out only values with a quote and $, `, \\, " or a line break, a carriage return, or \\\\', () => {
    expect(leftOut).toEqual(['QUOTES_AND_BACKSLASH', 'QUOTE_AND_BACKTICK', 'QUOTE_AND_SUBST', 'TAB_CR', 'UNC'].sort());
  });

  it.each(shells)('%s sourcing it reads every value exactly and runs nothing', (shell) => {
    expectExact(sourced(shell, file, false), leftOut);
  });

  it("Node's dotenv parser (node --env-file, util.parseEnv) reads it exactly", () => {
    expectExact(parseEnv(formatEnv(env, 'compose').text) as Record<string, string>, leftOut);
  });

  it('python-dotenv reads it exactly', () => {
    const out = execFileSync('python3', ['-c', 'import json, sys, dotenv; print(json.dumps(dotenv.dotenv_values(sys.argv[1])))', file], { encoding: 'utf8' });
    expectExact(JSON.parse(out), leftOut);
  });
});

describe.each([['sh', false], ['sh:export', true]] as const)('%s', (syntax, exported) => {
  const { file, leftOut } = written(syntax);
  it('carries every value', () => expect(leftOut).toEqual([]));
  it.each(shells)('%s sourcing it reads every value exactly and runs nothing', (shell) => {
    expectExact(sourced(shell, file, exported), leftOut);
  });
});

describe('json', () => {
  it('python reads every value exactly', () => {
    const { file } = written('json');
    expect(JSON.parse(execFileSync('python3', ['-c', 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))))', file], { encoding: 'utf8' }))).toEqual(env);
  });
});

describe('csh', () => {
  const csh = ['csh', 'tcsh'].find((s) => existsSync(`/usr/bin/${s}`) || existsSync(`/bin/${s}`));
  (csh ? it : it.skip)(`${csh ?? 'csh (not installed)'} sourcing csh:export reads every carried value exactly`, () => {
    const { file, leftOut } = written('csh:export');
    const out = execFileSync('env', ['-i', 'PATH=/usr/bin:/bin', csh!, '-f', '-c', `source ${file}; env -0`], { encoding: 'utf8' });
    expectExact(Object.fromEntries(out.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])), leftOut);
  });
});

describe('the lines each syntax writes', () => {
  it.each([
    ['docker', { A: 'x y', B: '$(x) "q"' }, 'A=x y\nB=$(x) "q"\n'],
    ['compose', { A: 'x', B: 'x y', C: "it's" }, "A=x\nB='x y'\nC=\"it's\"\n"],
    ['sh', { A: "it's", B: 'x' }, "A='it'\\''s'\nB=x\n"],
    ['sh:export', { A: 'x y' }, "export A='x y'\n"],
    ['csh', { A: "it's $x" }, "set A='it'\\''s $x'\n"],
    ['csh:export', { A: 'x y' }, "setenv A 'x y'\n"],
    ['ps', { A: "it's ‘x’" }, "$A = 'it''s ‘‘x’’'\n"],
    ['ps:export', { A: 'x' }, "$Env:A = 'x'\n"],
    ['cmd', { A: '100% & more' }, '@echo off\r\nset "A=100%% & more"\r\n'],
  ] as const)('%s', (syntax, values, text) => {
    expect(formatEnv({ ...values }, syntax)).toEqual({ text, leftOut: [] });
  });

  it.each([
    ['docker', { A: 'x\ny', B: 'x\r', 'C D': 'x' }, ['A', 'B', 'C D']],
    ['sh', { 'a.b': 'x', '1A': 'x', A: 'x\ny' }, ['1A', 'a.b']],
    ['csh', { A: 'x\ny', B: 'hi!' }, ['A', 'B']],
    ['cmd', { A: 'say "hi"', B: 'x\ny' }, ['A', 'B']],
    ['ps', { A: 'x\ny' }, []],
  ] as const)('%s leaves out what it cannot carry, by name', (syntax, values, names) => {
    expect(formatEnv({ ...values }, syntax).leftOut.map((l) => l.name)).toEqual(names);
  });

  it('never puts a value in the reason', () => {
    const secret = "it's $(s3cr3t)";
    const { leftOut } = formatEnv({ TOKEN: secret }, 'compose');
    expect(leftOut).toHaveLength(1);
    expect(JSON.stringify(leftOut)).not.toContain('s3cr3t');
  });
});
