// HPACK decoding against the request examples of RFC 7541 Appendix C.4 (Huffman, dynamic table
// carried from block to block), and the agent's table-free encoding read back.
import { describe, expect, it } from '@jest/globals';
import { encodeStateless, HpackDecoder, HpackError } from '../../plugin/agent/hpack.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('HPACK decoder', () => {
  it('reads the three requests of RFC 7541 C.4 in order, with the table they build', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'))).toEqual([
      ':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'www.example.com',
    ]);
    expect(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf'))).toEqual([
      ':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'www.example.com', 'cache-control', 'no-cache',
    ]);
    expect(d.decode(hex('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 8925 a849 e95b b8e8 b4bf'))).toEqual([
      ':method', 'GET', ':scheme', 'https', ':path', '/index.html', ':authority', 'www.example.com', 'custom-key', 'custom-value',
    ]);
  });

  it.each([
    ['an index past the table', 'ff00'],
    ['a string longer than the block', '0004 0a61'],
    ['Huffman padding that is not all ones', '0081 00'],
    ['a table size update after a field', '82 3f'],
    ['a table size over the 4096 the app allows', '3fe2 1f'],
  ])('refuses %s', (_name, block) => {
    expect(() => new HpackDecoder().decode(hex(block))).toThrow(HpackError);
  });
});

describe('table-free encoding', () => {
  it('reads back the same fields with any decoder state and adds nothing to the table', () => {
    const fields = [':status', '200', 'content-type', 'application/grpc', 'x-long-name-of-a-header', 'v'.repeat(300), 'set-cookie', 'a=b', ':status', '418'];
    const used = new HpackDecoder();
    used.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')); // one entry in its table
    expect(used.decode(encodeStateless(fields))).toEqual(fields);
    // The table still holds only that entry: index 62 is it, 63 does not exist.
    expect(used.decode(hex('be'))).toEqual([':authority', 'www.example.com']);
    expect(() => used.decode(hex('bf'))).toThrow(HpackError);
  });
});
