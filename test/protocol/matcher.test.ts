// Match semantics, table-driven: header names case-insensitive, exact values unless regex, every
// value of a repeated header, headers ANDed, path equal/prefix/regex on the path without query.
import { describe, expect, it } from '@jest/globals';
import { canonicalKey, compileMatch, describeMatch, MAX_REGEX_INPUT, rawHeaderLookup, validateMatch, type Match } from '../../plugin/protocol/matcher.js';

const cases: { name: string; match: Match; headers: string[]; path: string; want: boolean }[] = [
  { name: 'global matches anything', match: {}, headers: [], path: '/x', want: true },
  { name: 'header name is case-insensitive', match: { headers: [{ name: 'X-Dev', value: 'alice' }] }, headers: ['x-DEV', 'alice'], path: '/', want: true },
  { name: 'header value is exact', match: { headers: [{ name: 'x-dev', value: 'alice' }] }, headers: ['x-dev', 'alice2'], path: '/', want: false },
  { name: 'header value is case-sensitive', match: { headers: [{ name: 'x-dev', value: 'alice' }] }, headers: ['x-dev', 'Alice'], path: '/', want: false },
  { name: 'a missing header does not match', match: { headers: [{ name: 'x-dev', value: 'alice' }] }, headers: [], path: '/', want: false },
  { name: 'any value of a repeated header', match: { headers: [{ name: 'x-dev', value: 'alice' }] }, headers: ['x-dev', 'bob', 'X-Dev', 'alice'], path: '/', want: true },
  { name: 'regex only when asked', match: { headers: [{ name: 'x-dev', value: '^al' }] }, headers: ['x-dev', 'alice'], path: '/', want: false },
  { name: 'regex anchored as written (start)', match: { headers: [{ name: 'x-dev', value: '^al', regex: true }] }, headers: ['x-dev', 'alice'], path: '/', want: true },
  { name: 'regex unanchored matches inside', match: { headers: [{ name: 'x-dev', value: 'lic', regex: true }] }, headers: ['x-dev', 'alice'], path: '/', want: true },
  { name: 'regex anchored at start does not match inside', match: { headers: [{ name: 'x-dev', value: '^lic', regex: true }] }, headers: ['x-dev', 'alice'], path: '/', want: false },
  { name: 'headers are ANDed (both)', match: { headers: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }] }, headers: ['a', '1', 'b', '2'], path: '/', want: true },
  { name: 'headers are ANDed (one missing)', match: { headers: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }] }, headers: ['a', '1'], path: '/', want: false },
  { name: 'path equal', match: { path: { kind: 'equal', value: '/api' } }, headers: [], path: '/api?x=1', want: true },
  { name: 'path equal is not prefix', match: { path: { kind: 'equal', value: '/api' } }, headers: [], path: '/api/x', want: false },
  { name: 'prefix matches itself', match: { path: { kind: 'prefix', value: '/api' } }, headers: [], path: '/api', want: true },
  { name: 'prefix matches below', match: { path: { kind: 'prefix', value: '/api' } }, headers: [], path: '/api/orders', want: true },
  { name: 'prefix is segment-wise', match: { path: { kind: 'prefix', value: '/api' } }, headers: [], path: '/apiv2', want: false },
  { name: 'prefix with trailing slash', match: { path: { kind: 'prefix', value: '/api/' } }, headers: [], path: '/api/x', want: true },
  { name: 'prefix ignores the query', match: { path: { kind: 'prefix', value: '/api' } }, headers: [], path: '/other?next=/api', want: false },
  { name: 'prefix / matches all', match: { path: { kind: 'prefix', value: '/' } }, headers: [], path: '/anything', want: true },
  { name: 'path regex', match: { path: { kind: 'regex', value: '^/v[0-9]+/orders$' } }, headers: [], path: '/v2/orders?x', want: true },
  { name: 'path regex miss', match: { path: { kind: 'regex', value: '^/v[0-9]+/orders$' } }, headers: [], path: '/v2/orders/1', want: false },
  { name: 'a catastrophic regex answers (no match)', match: { headers: [{ name: 'x-dev', value: '^(a+)+$', regex: true }] }, headers: ['x-dev', `${'a'.repeat(27)}!`], path: '/', want: false },
  { name: 'a catastrophic regex answers (match)', match: { headers: [{ name: 'x-dev', value: '^(a+)+$', regex: true }] }, headers: ['x-dev', 'a'.repeat(28)], path: '/', want: true },
  { name: `a header value of ${MAX_REGEX_INPUT} characters is matched`, match: { headers: [{ name: 'x', value: 'a$', regex: true }] }, headers: ['x', 'a'.repeat(MAX_REGEX_INPUT)], path: '/', want: true },
  { name: 'a longer header value never matches a regex', match: { headers: [{ name: 'x', value: 'a$', regex: true }] }, headers: ['x', 'a'.repeat(MAX_REGEX_INPUT + 1)], path: '/', want: false },
  { name: 'a longer header value still matches exactly', match: { headers: [{ name: 'x', value: 'a'.repeat(MAX_REGEX_INPUT + 1) }] }, headers: ['x', 'a'.repeat(MAX_REGEX_INPUT + 1)], path: '/', want: true },
  { name: 'a longer path never matches a regex', match: { path: { kind: 'regex', value: '^/' } }, headers: [], path: `/${'p'.repeat(MAX_REGEX_INPUT)}?q`, want: false },
  { name: 'a method filter takes its methods only', match: { methods: ['POST'] }, headers: [], path: '/', want: false },
  { name: 'a method filter ANDed with a header', match: { methods: ['GET'], headers: [{ name: 'x-dev', value: 'a' }] }, headers: ['x-dev', 'a'], path: '/', want: true },
  { name: 'headers and path ANDed', match: { headers: [{ name: 'x-dev', value: 'a' }], path: { kind: 'prefix', value: '/api' } }, headers: ['x-dev', 'a'], path: '/web', want: false },
];

describe('compileMatch', () => {
  it.each(cases)('$name', ({ match, headers, path, want }) => {
    expect(compileMatch(match).test(rawHeaderLookup(headers), path, 'GET')).toBe(want);
  });
});

describe('validateMatch', () => {
  it.each([
    [{ headers: [{ name: 'x-dev', value: '(', regex: true }] }, /invalid regular expression for header x-dev/],
    [{ path: { kind: 'regex', value: '[' } }, /invalid regular expression for the path/],
    [{ headers: [{ name: 'x-dev', value: '(a)\\1', regex: true }] }, /invalid regular expression for header x-dev: the backreference \\1 is not supported/],
    [{ path: { kind: 'regex', value: '^/api(?!/internal)' } }, /invalid regular expression for the path: lookahead \(\?! is not supported: the agent matches in linear time/],
    [{ path: { kind: 'regex', value: '^/(v1|v2){1001}' } }, /invalid regular expression for the path: the pattern compiles to \d+ states; the limit is 1000/],
    [{ path: { kind: 'prefix', value: 'api' } }, /must start with \//],
    [{ headers: [{ name: 'bad name', value: 'x' }] }, /invalid header name/],
    [{ path: { kind: 'fuzzy', value: '/x' } }, /invalid path match kind/],
  ] as [Match, RegExp][])('refuses %j', (match, reason) => {
    expect(validateMatch(match)).toMatch(reason);
  });
  it('accepts a valid match', () => {
    expect(validateMatch({ headers: [{ name: 'x-dev', value: '^a', regex: true }], path: { kind: 'equal', value: '/' } })).toBeUndefined();
  });
});

describe('canonicalKey and describeMatch', () => {
  it('treats header order and name case as the same match, exact and regex as different', () => {
    const a = canonicalKey({ headers: [{ name: 'X-A', value: '1' }, { name: 'b', value: '2' }] });
    expect(canonicalKey({ headers: [{ name: 'b', value: '2' }, { name: 'x-a', value: '1' }] })).toBe(a);
    expect(canonicalKey({ headers: [{ name: 'x-a', value: '1', regex: true }, { name: 'b', value: '2' }] })).not.toBe(a);
  });
  it('describes matches for conflict messages', () => {
    expect(describeMatch({})).toBe('all traffic');
    expect(describeMatch({ headers: [{ name: 'x-dev', value: '^a', regex: true }], path: { kind: 'prefix', value: '/api' } })).toBe('x-dev=~^a, path prefix /api');
    expect(describeMatch({ methods: ['GET', 'HEAD'] })).toBe('method GET|HEAD');
    expect(describeMatch({ path: { kind: 'prefix', value: '/' } })).toBe('all traffic');
  });
  it('treats the same methods in any order as the same match, and refuses a lowercase method', () => {
    expect(canonicalKey({ methods: ['POST', 'GET'] })).toBe(canonicalKey({ methods: ['GET', 'POST'] }));
    expect(canonicalKey({ methods: ['GET'] })).not.toBe(canonicalKey({}));
    expect(validateMatch({ methods: ['get'] })).toMatch(/invalid HTTP method "get"/);
  });
});
