// The intercept flags' syntax and the masking of credentials in traffic events.
import { describe, expect, it } from '@jest/globals';
import { matchFromFlags, parseHeaderFlag } from '../../plugin/tunnel/match-flags.js';
import { maskHeaders } from '../../plugin/tunnel/traffic.js';

describe('match flags', () => {
  it.each([
    ['x-dev=alice', { name: 'x-dev', value: 'alice' }],
    ['x-dev=~^alice', { name: 'x-dev', value: '^alice', regex: true }],
    ['x-dev=a=b', { name: 'x-dev', value: 'a=b' }],
    ['x-dev=', { name: 'x-dev', value: '' }],
  ])('parses %j', (flag, want) => {
    expect(parseHeaderFlag(flag)).toEqual(want);
  });
  it('refuses a flag without a name', () => {
    expect(() => parseHeaderFlag('alice')).toThrow(/is not NAME=VALUE/);
  });
  it('builds a match; no flags means global', () => {
    expect(matchFromFlags({})).toEqual({});
    expect(matchFromFlags({ httpHeader: ['x-dev=alice'], path: '/api' })).toEqual({ headers: [{ name: 'x-dev', value: 'alice' }], path: { kind: 'prefix', value: '/api' } });
    expect(() => matchFromFlags({ httpHeader: ['x-dev=~('] })).toThrow(/invalid regular expression/);
    expect(() => matchFromFlags({ path: '/a', pathRegex: '^/b' })).toThrow(/only one of/);
  });
});

describe('traffic masking', () => {
  it('masks credentials whatever their case and keeps the rest', () => {
    expect(maskHeaders(['Authorization', 'Bearer x', 'COOKIE', 'a=b', 'Set-Cookie', 's', 'Proxy-Authorization', 'p', 'x-dev', 'alice']))
      .toEqual(['Authorization', 'Bearer [masked]', 'COOKIE', 'a=[masked]', 'Set-Cookie', '[masked]', 'Proxy-Authorization', '[masked]', 'x-dev', 'alice']);
  });
});
