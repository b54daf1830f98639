// The container's environment as a file for a given reader (`--env-syntax`, Telepresence's names).
// Each syntax is written so that its reader reads back exactly the values written; a value or a
// name a syntax cannot carry is left out and reported by name, never by value (it may be secret).
//   docker      KEY=value, raw: `docker run --env-file` takes the rest of the line as it is
//   compose     the default: plain, 'single' or "double" quoted so that a POSIX shell sourcing it
//               (`set -a; . FILE`), Node (`node --env-file`, util.parseEnv, dotenv), python-dotenv
//               and Compose's env_file all read the same value, and a shell never runs any of it
//   sh          KEY='value' ('\'' for a quote): every value, for `set -a; . FILE`; sh:export adds export
//   csh         set KEY='value'; csh:export: setenv KEY 'value'
//   ps          $KEY = 'value' ('' for a quote); ps:export: $Env:KEY = 'value'
//   cmd         set "KEY=value" in a batch file (`call FILE.cmd`; %% for %)
//   json        one JSON object

export const ENV_SYNTAXES = ['docker', 'compose', 'sh', 'sh:export', 'csh', 'csh:export', 'ps', 'ps:export', 'cmd', 'json'] as const;
export type EnvSyntax = (typeof ENV_SYNTAXES)[number];

/**
 * Not Telepresence's docker: a raw `KEY=$(cmd)` line runs cmd when a shell sources the file,
 * which is what people do with env files. Compose's quoting is read the same by the shells and
 * the dotenv readers, and never runs anything.
 */
export const DEFAULT_ENV_SYNTAX: EnvSyntax = 'compose';

export const ENV_SYNTAX_HELP =
  'How --env-file is written: compose (default: read exactly by `set -a; . FILE` in sh, bash and zsh, by node --env-file, python-dotenv ' +
  'and Compose env_file; never runs anything when sourced), docker (docker run --env-file), sh, sh:export, csh, csh:export, ps, ps:export, cmd, json. ' +
  'A value a syntax cannot carry is left out with a warning naming the variable';

/** Why a variable was left out: the name only, never the value. */
export interface LeftOut {
  name: string;
  why: string;
}

/** A line for NAME=VALUE, or why the syntax cannot carry it. */
type Writer = (name: string, value: string) => string | { leftOut: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Characters no shell, cmd or dotenv reader treats specially: written unquoted. */
const PLAIN = /^[A-Za-z0-9_./:@%+,-]*$/;

function shellName(name: string): string | undefined {
  return IDENTIFIER.test(name) ? undefined : 'its name is not a shell variable name';
}

const posixQuoted = (v: string) => (PLAIN.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/**
 * The forms that sh, Node's parser, python-dotenv and compose-go all read literally: 'single'
 * (nothing inside is special to any of them, newlines included; python-dotenv alone would read \\
 * and \' as escapes, so a backslash before a backslash is not written this way, and Node drops a
 * carriage return, python-dotenv turns it into a newline) and "double" for
 * a value with a quote but none of $ ` \ " or a line break (the characters that are special in
 * double quotes to one of them). Backtick quoting, which Node accepts, is never used: sh runs it.
 */
function composeValue(v: string): string | undefined {
  if (PLAIN.test(v)) return v;
  if (!/['\r]/.test(v) && !v.includes('\\\\')) return `'${v}'`;
  if (!/[$`\\"\n\r]/.test(v)) return `"${v}"`;
  return undefined;
}

const WRITERS: Record<Exclude<EnvSyntax, 'json'>, Writer> = {
  docker: (name, value) => {
    if (name === '' || /[\s=]/.test(name) || name.startsWith('#')) return { leftOut: 'docker cannot read its name' };
    // Docker reads line by line (Go's bufio.ScanLines): a newline ends the value, a carriage
    // return just before it is dropped.
    if (value.includes('\n') || value.endsWith('\r')) return { leftOut: 'its value has a line break, which docker\'s env file cannot hold' };
    return `${name}=${value}`;
  },
  compose: (name, value) => {
    const bad = shellName(name);
    if (bad) return { leftOut: bad };
    const v = composeValue(value);
    return v === undefined ? { leftOut: 'its value holds a carriage return, two backslashes in a row, or a single quote together with $, `, \\, " or a line break, which no quoting reads the same in the shells and dotenv readers (use --env-syntax sh or json)' } : `${name}=${v}`;
  },
  sh: (name, value) => shellName(name) ? { leftOut: shellName(name)! } : `${name}=${posixQuoted(value)}`,
  'sh:export': (name, value) => shellName(name) ? { leftOut: shellName(name)! } : `export ${name}=${posixQuoted(value)}`,
  csh: (name, value) => cshLine(name, value, (n, v) => `set ${n}=${v}`),
  'csh:export': (name, value) => cshLine(name, value, (n, v) => `setenv ${n} ${v}`),
  ps: (name, value) => shellName(name) ? { leftOut: shellName(name)! } : `$${name} = ${psQuoted(value)}`,
  'ps:export': (name, value) => shellName(name) ? { leftOut: shellName(name)! } : `$Env:${name} = ${psQuoted(value)}`,
  cmd: (name, value) => {
    if (shellName(name)) return { leftOut: shellName(name)! };
    // A quote inside would end `set "..."` early and let & | < > run as commands.
    if (/["\r\n]/.test(value)) return { leftOut: 'its value has a double quote or a line break, which cmd cannot set safely' };
    return `set "${name}=${value.replace(/%/g, '%%')}"`;
  },
};

/** csh: single quotes are literal but cannot span lines, and ! is history substitution even inside them. */
function cshLine(name: string, value: string, line: (n: string, v: string) => string): string | { leftOut: string } {
  if (shellName(name)) return { leftOut: shellName(name)! };
  if (/[\n\r!]/.test(value)) return { leftOut: 'its value has a line break or a !, which csh cannot hold in quotes' };
  return line(name, PLAIN.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
}

/** PowerShell: single-quoted strings are literal; its four single-quote characters are doubled. */
function psQuoted(v: string): string {
  return `'${v.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

export function formatEnv(env: Record<string, string>, syntax: EnvSyntax = DEFAULT_ENV_SYNTAX): { text: string; leftOut: LeftOut[] } {
  const names = Object.keys(env).sort();
  if (syntax === 'json') return { text: JSON.stringify(Object.fromEntries(names.map((n) => [n, env[n]])), null, 2) + '\n', leftOut: [] };
  const lines: string[] = [];
  const leftOut: LeftOut[] = [];
  for (const name of names) {
    const out = WRITERS[syntax](name, env[name]);
    if (typeof out === 'string') lines.push(out + (syntax === 'cmd' ? '\r\n' : '\n'));
    else leftOut.push({ name, why: out.leftOut });
  }
  return { text: (syntax === 'cmd' ? '@echo off\r\n' : '') + lines.join(''), leftOut };
}

/** One warning line per variable left out. */
export function leftOutWarnings(leftOut: LeftOut[], where: string, syntax: EnvSyntax): string[] {
  return leftOut.map((l) => `${l.name} was left out of ${where} (--env-syntax ${syntax}): ${l.why}`);
}
