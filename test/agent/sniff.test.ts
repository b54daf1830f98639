// The sniffer's decisions on first bytes, table-driven.
import { describe, expect, it } from '@jest/globals';
import { sniff, type SniffResult } from '../../plugin/agent/sniff.js';

const cases: [string, Buffer, SniffResult][] = [
  ['empty', Buffer.alloc(0), 'need-more'],
  ['GET request', Buffer.from('GET / HTTP/1.1\r\n'), 'http1'],
  ['partial method', Buffer.from('POS'), 'need-more'],
  ['custom method', Buffer.from('PROPFIND /x HTTP/1.1'), 'http1'],
  ['h2 preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00'), 'h2'],
  ['partial h2 preface', Buffer.from('PRI * HTTP/2'), 'need-more'],
  ['PRI that is not the preface', Buffer.from('PRI /x HTTP/1.1\r\n'), 'http1'],
  ['TLS client hello', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), 'other'],
  ['postgres startup', Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]), 'other'],
  ['lowercase text', Buffer.from('get / HTTP/1.1'), 'other'],
  ['leading space', Buffer.from(' GET /'), 'other'],
  ['redis inline', Buffer.from('*1\r\n$4\r\nPING\r\n'), 'other'],
  ['long uppercase run', Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZ'), 'other'],
];

describe('sniff', () => {
  it.each(cases)('%s', (_name, input, want) => {
    expect(sniff(input)).toBe(want);
  });
});
