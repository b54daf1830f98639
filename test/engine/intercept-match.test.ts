import { describe, expect, it } from '@jest/globals';
import { matchFromFlags, matchText } from '../../plugin/engine/intercept-match.js';

describe('matchFromFlags', () => {
  it.each([
    [{}, {}],
    [{ httpHeader: ['x-dev=alice'] }, { headers: [{ name: 'x-dev', value: 'alice' }] }],
    [{ httpHeader: ['x-dev=~^ali', 'x-team=a=b'] }, { headers: [{ name: 'x-dev', value: '^ali', regex: true }, { name: 'x-team', value: 'a=b' }] }],
    [{ httpPathPrefix: '/api' }, { path: { kind: 'prefix', value: '/api' } }],
    [{ httpPathEqual: '/h', httpHeader: ['a=b'] }, { headers: [{ name: 'a', value: 'b' }], path: { kind: 'equal', value: '/h' } }],
    [{ httpPathRegex: '^/v[0-9]+/' }, { path: { kind: 'regex', value: '^/v[0-9]+/' } }],
  ])('%j -> %j', (flags, match) => {
    expect(matchFromFlags(flags)).toEqual({ match, notes: [], warnings: [], given: Object.keys(flags).length > 0 });
  });

  it('accepts the deprecated --http-match with a note', () => {
    expect(matchFromFlags({ httpMatch: ['all'] })).toEqual({ match: {}, notes: [expect.stringContaining('--http-match is deprecated')], warnings: [], given: true });
    expect(matchFromFlags({ httpMatch: ['x-dev=bob'] }).match).toEqual({ headers: [{ name: 'x-dev', value: 'bob' }] });
  });

  it('warns about an empty header value (an unset shell variable), without refusing it', () => {
    const r = matchFromFlags({ httpHeader: ['x-dev=', 'x-team=a'] });
    expect(r.match).toEqual({ headers: [{ name: 'x-dev', value: '' }, { name: 'x-team', value: 'a' }] });
    expect(r.warnings).toEqual(['the header match x-dev= has an empty value: only requests that send x-dev empty match (an unset shell variable?)']);
    expect(matchFromFlags({ httpHeader: ['x-dev=~'] }).warnings).toEqual([]);
  });

  it.each([
    [{ httpHeader: ['novalue'] }, /--http-header "novalue" is not NAME=VALUE/],
    [{ httpHeader: ['=x'] }, /is not NAME=VALUE/],
    [{ httpHeader: ['x-dev=~(['] }, /invalid regular expression for header x-dev/],
    [{ httpHeader: ['bad name=x'] }, /invalid header name/],
    [{ httpPathEqual: '/a', httpPathRegex: 'b' }, /use only one of/],
    [{ httpPathPrefix: 'api' }, /must start with \//],
    [{ httpMatch: ['all'], httpHeader: ['a=b'] }, /do not combine it/],
  ])('refuses %j', (flags, message) => {
    expect(() => matchFromFlags(flags)).toThrow(message);
  });

  it('describes matches for people', () => {
    expect(matchText({})).toBe('all requests');
    expect(matchText({ headers: [{ name: 'x-dev', value: 'alice' }], path: { kind: 'prefix', value: '/api' } })).toBe('x-dev=alice, path prefix /api');
  });
});
