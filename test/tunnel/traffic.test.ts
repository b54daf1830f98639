// How a body is kept in a traffic event: text as text, the rest as base64, a cut marked as such.
import { describe, expect, it } from '@jest/globals';
import { BodyCollector, captureBody } from '../../plugin/tunnel/traffic.js';

describe('captureBody', () => {
  it.each([
    ['JSON as text', Buffer.from('{"a":1}'), false, 'application/json', undefined, { text: '{"a":1}', mimeType: 'application/json' }],
    ['no type, printable: text', Buffer.from('hello\n'), false, undefined, undefined, { text: 'hello\n' }],
    ['an image as base64', Buffer.from([0x89, 0x50, 0x4e, 0x47]), false, 'image/png', undefined, { text: 'iVBORw==', encoding: 'base64', mimeType: 'image/png' }],
    ['gzip as base64 whatever the type', Buffer.from('abc'), false, 'text/plain', 'gzip', { text: 'YWJj', encoding: 'base64', mimeType: 'text/plain' }],
    ['control bytes as base64', Buffer.from('a\u0000b'), false, 'text/plain', undefined, { text: 'YQBi', encoding: 'base64', mimeType: 'text/plain' }],
    ['invalid UTF-8 as base64', Buffer.from([0x61, 0xff]), false, 'text/plain', undefined, { text: 'Yf8=', encoding: 'base64', mimeType: 'text/plain' }],
    ['a cut inside a character drops its first bytes', Buffer.from('aé').subarray(0, 2), true, 'text/plain', undefined, { text: 'a', mimeType: 'text/plain', truncated: true }],
    ['identity is no compression', Buffer.from('x'), false, 'text/plain', 'identity', { text: 'x', mimeType: 'text/plain' }],
  ])('%s', (_what, buf, cut, mime, encoding, out) => {
    expect(captureBody(buf, cut, mime, encoding)).toEqual(out);
  });
});

describe('BodyCollector', () => {
  it('keeps the first bytes and notes that there were more', () => {
    const c = new BodyCollector(5);
    c.add(Buffer.from('abc'));
    expect(c.cut).toBe(false);
    c.add(Buffer.from('de'));
    expect(c.cut).toBe(false);
    c.add(Buffer.from('f'));
    expect(c.cut).toBe(true);
    expect(c.bytes()?.toString()).toBe('abcde');
  });

  it('keeps nothing at a bound of 0', () => {
    const c = new BodyCollector(0);
    c.add(Buffer.from('abc'));
    expect(c.bytes()).toBeUndefined();
  });
});
