// What an intercept matches: global, or HTTP headers and/or a path. Validation, canonical keys
// for conflict checks, and the per-request test. Semantics are in docs/dataplane.md.

export interface HeaderMatch {
  /** Compared case-insensitively. */
  name: string;
  /** Exact value, or a JavaScript regular expression (anchored only as written) when regex is true. */
  value: string;
  regex?: boolean;
}

export interface PathMatch {
  kind: 'equal' | 'prefix' | 'regex';
  value: string;
}

/** No headers and no path: a global intercept. Several headers and the path are ANDed. */
export interface Match {
  headers?: HeaderMatch[];
  path?: PathMatch;
}

export interface CompiledMatch {
  global: boolean;
  test(headers: HeaderLookup, path: string): boolean;
}

/** Every value received for a header name (lowercase), in order. */
export type HeaderLookup = (lowerName: string) => string[];

export function isGlobal(match: Match): boolean {
  return (match.headers?.length ?? 0) === 0 && match.path === undefined;
}

/** Returns the reason the match is unusable, or undefined when it is fine. */
export function validateMatch(match: Match): string | undefined {
  if (match.headers !== undefined && !Array.isArray(match.headers)) return 'headers must be a list of {name, value, regex?}';
  for (const h of match.headers ?? []) {
    if (!h || typeof h !== 'object') return 'each header match must be {name, value, regex?}';
    if (typeof h.name !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h.name)) {
      return `invalid header name ${JSON.stringify(h.name)}: use a plain HTTP header name such as x-dev`;
    }
    if (typeof h.value !== 'string') return `header ${h.name} needs a value`;
    if (h.regex) {
      const err = regexError(h.value);
      if (err) return `invalid regular expression for header ${h.name}: ${err}`;
    }
  }
  const p = match.path;
  if (p !== undefined) {
    if (!p || typeof p !== 'object') return 'the path match must be {kind, value}';
    if (!['equal', 'prefix', 'regex'].includes(p.kind)) return `invalid path match kind ${JSON.stringify(p.kind)}: use equal, prefix or regex`;
    if (typeof p.value !== 'string' || p.value === '') return 'the path match needs a value';
    if (p.kind === 'regex') {
      const err = regexError(p.value);
      if (err) return `invalid regular expression for the path: ${err}`;
    } else if (!p.value.startsWith('/')) {
      return `the path ${JSON.stringify(p.value)} must start with /`;
    }
  }
  return undefined;
}

function regexError(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** A string equal for equal matches, whatever the order of headers or the case of names. */
export function canonicalKey(match: Match): string {
  const headers = (match.headers ?? [])
    .map((h) => `${h.name.toLowerCase()}${h.regex ? '~' : '='}${h.value}`)
    .sort();
  const path = match.path ? `${match.path.kind}:${match.path.value}` : '';
  return JSON.stringify([headers, path]);
}

/** A short human description, e.g. `x-dev=alice, path prefix /api`, or `all traffic`. */
export function describeMatch(match: Match): string {
  if (isGlobal(match)) return 'all traffic';
  const parts = (match.headers ?? []).map((h) => `${h.name}${h.regex ? '=~' : '='}${h.value}`);
  if (match.path) parts.push(`path ${match.path.kind} ${match.path.value}`);
  return parts.join(', ');
}

/** Compiles a validated match; throws on an invalid one (validateMatch says why). */
export function compileMatch(match: Match): CompiledMatch {
  const reason = validateMatch(match);
  if (reason) throw new Error(reason);
  const headerTests = (match.headers ?? []).map(function compileHeader(h) {
    const name = h.name.toLowerCase();
    const re = h.regex ? new RegExp(h.value) : undefined;
    return (lookup: HeaderLookup) => lookup(name).some((v) => (re ? re.test(v) : v === h.value));
  });
  const pathTest = compilePath(match.path);
  return {
    global: isGlobal(match),
    test(headers: HeaderLookup, rawPath: string): boolean {
      if (!headerTests.every((t) => t(headers))) return false;
      return pathTest ? pathTest(stripQuery(rawPath)) : true;
    },
  };
}

function compilePath(p: PathMatch | undefined): ((path: string) => boolean) | undefined {
  if (!p) return undefined;
  if (p.kind === 'equal') return (path) => path === p.value;
  if (p.kind === 'prefix') {
    const base = p.value.endsWith('/') && p.value.length > 1 ? p.value.slice(0, -1) : p.value;
    if (base === '/') return (path) => path.startsWith('/');
    return (path) => path === base || path.startsWith(base + '/');
  }
  const re = new RegExp(p.value);
  return (path) => re.test(path);
}

export function stripQuery(path: string): string {
  const q = path.indexOf('?');
  return q >= 0 ? path.slice(0, q) : path;
}

/** A lookup over a flat raw header list ([name, value, ...]). */
export function rawHeaderLookup(raw: string[]): HeaderLookup {
  return function lookup(lowerName: string): string[] {
    const out: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (raw[i].toLowerCase() === lowerName) out.push(raw[i + 1]);
    }
    return out;
  };
}
