// Writes the workload's environment as a dotenv file that Node's own reader (`node --env-file`,
// util.parseEnv, the dotenv package: they agree) reads back unchanged, as do python-dotenv and a
// POSIX shell for values without line breaks. The quoting picks the first form that fits:
//   plain (safe characters only) · 'single' (literal, may span lines) · "double" (only \n is
//   expanded by Node, so no backslash or double quote inside) · `backtick` (literal, Node only).
// A value holding ', ", ` and a backslash or newline at once has no lossless form for Node: it is
// written double-quoted with backslash escapes, which python-dotenv and compose read correctly.

const SAFE = /^[A-Za-z0-9_./:@%+,-]*$/;

export function dotenvValue(value: string): string {
  if (SAFE.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  if (!/["\\]/.test(value)) return `"${value.replace(/\n/g, '\\n')}"`;
  if (!value.includes('`')) return `\`${value}\``;
  const escaped = value.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
  return `"${escaped}"`;
}

export function toDotenv(env: Record<string, string>): string {
  return Object.keys(env)
    .sort()
    .map((k) => `${k}=${dotenvValue(env[k])}\n`)
    .join('');
}
