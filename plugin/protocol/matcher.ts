// What an intercept matches: global, or HTTP headers, a path and/or methods. Validation, canonical keys
// for conflict checks, and the per-request test. Semantics are in docs/dataplane.md.
import { HTTP_TOKEN } from './http-syntax.js';
import { compileRegex, type LinearRegex } from './linear-regex.js';

/** A longer header value or path never matches a regular expression: bounds the work per request. */
export const MAX_REGEX_INPUT = 8192;

export interface HeaderMatch {
  /** Compared case-insensitively. */
  name: string;
  /** Exact value, or a JavaScript regular expression (anchored only as written, run in linear time) when regex is true. */
  value: string;
  regex?: boolean;
}

export interface PathMatch {
  kind: 'equal' | 'prefix' | 'regex';
  value: string;
}

/** No headers, no path and no method: a global intercept. Headers, path and methods are ANDed. */
export interface Match {
  headers?: HeaderMatch[];
  path?: PathMatch;
  /** Request methods (any one of them), as sent: uppercase tokens such as GET. */
  methods?: string[];
}

export interface CompiledMatch {
  global: boolean;
  test(headers: HeaderLookup, path: string, method: string): boolean;
}

/** Every value received for a header name (lowercase), in order. */
export type HeaderLookup = (lowerName: string) => string[];

/**
 * Whether the match takes every request. A path prefix of `/` alone takes every request as well,
 * so it is global too: it must meet the conflict rules of a global intercept, not bypass them.
 */
export function isGlobal(match: Match): boolean {
  const everyPath = match.path === undefined || (match.path.kind === 'prefix' && match.path.value === '/');
  return (match.headers?.length ?? 0) === 0 && (match.methods?.length ?? 0) === 0 && everyPath;
}

/** Returns the reason the match is unusable, or undefined when it is fine. */
export function validateMatch(match: Match): string | undefined {
  if (match.headers !== undefined && !Array.isArray(match.headers)) return 'headers must be a list of {name, value, regex?}';
  for (const h of match.headers ?? []) {
    if (!h || typeof h !== 'object') return 'each header match must be {name, value, regex?}';
    if (typeof h.name !== 'string' || !HTTP_TOKEN.test(h.name)) {
      return `invalid header name ${JSON.stringify(h.name)}: use a plain HTTP header name such as x-dev`;
    }
    if (typeof h.value !== 'string') return `header ${h.name} needs a value`;
    if (h.regex) {
      const err = regexError(h.value);
      if (err) return `invalid regular expression for header ${h.name}: ${err}`;
    }
  }
  if (match.methods !== undefined) {
    if (!Array.isArray(match.methods)) return 'methods must be a list such as ["GET"]';
    for (const m of match.methods) {
      if (typeof m !== 'string' || !/^[A-Z][A-Z-_]*$/.test(m) || m.length > 20) {
        return `invalid HTTP method ${JSON.stringify(m)}: use a method name such as GET or POST (uppercase, as sent)`;
      }
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

/** JavaScript's syntax error first (its words), then what the linear-time matcher refuses. */
function regexError(source: string): string | undefined {
  try {
    new RegExp(source);
    compileRegex(source);
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
  const methods = [...new Set(match.methods ?? [])].sort();
  return JSON.stringify(methods.length > 0 ? [headers, path, methods] : [headers, path]);
}

/** A short human description, e.g. `x-dev=alice, path prefix /api`, or `all traffic`. */
export function describeMatch(match: Match): string {
  if (isGlobal(match)) return 'all traffic';
  const parts = (match.headers ?? []).map((h) => `${h.name}${h.regex ? '=~' : '='}${h.value}`);
  if (match.path) parts.push(`path ${match.path.kind} ${match.path.value}`);
  if (match.methods?.length) parts.push(`method ${match.methods.join('|')}`);
  return parts.join(', ');
}

/** Compiles a validated match; throws on an invalid one (validateMatch says why). */
export function compileMatch(match: Match): CompiledMatch {
  const reason = validateMatch(match);
  if (reason) throw new Error(reason);
  const headerTests = (match.headers ?? []).map(function compileHeader(h) {
    const name = h.name.toLowerCase();
    const re = h.regex ? compileRegex(h.value) : undefined;
    return function testHeader(lookup: HeaderLookup): boolean {
      // Loops rather than some/every: this runs for every request, and a callback is an allocation.
      for (const v of lookup(name)) if (re ? boundedTest(re, v) : v === h.value) return true;
      return false;
    };
  });
  const pathTest = compilePath(match.path);
  const methods = match.methods?.length ? new Set(match.methods) : undefined;
  return {
    global: isGlobal(match),
    test(headers: HeaderLookup, rawPath: string, method: string): boolean {
      if (methods && !methods.has(method)) return false;
      for (const t of headerTests) if (!t(headers)) return false;
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
  const re = compileRegex(p.value);
  return (path) => boundedTest(re, path);
}

function boundedTest(re: LinearRegex, input: string): boolean {
  return input.length <= MAX_REGEX_INPUT && re.test(input);
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
      if (raw[i].length === lowerName.length && raw[i].toLowerCase() === lowerName) out.push(raw[i + 1]);
    }
    return out;
  };
}
