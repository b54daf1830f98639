// HTTP/1 heads and body framing as the relay reads them (RFC 9112), table-driven: what is taken,
// and what is refused because two parsers could read it differently.
import { describe, expect, it } from '@jest/globals';
import { BodyReader } from '../../plugin/agent/http1-body.js';
import { planAnswer } from '../../plugin/agent/http1-answer.js';
import { rawHeaderLookup } from '../../plugin/protocol/matcher.js';
import { parseRequestHead, parseResponseHead, requestFraming, responseFraming, type RequestHead } from '../../plugin/agent/http1-head.js';

const head = (text: string) => {
  const r = parseRequestHead(Buffer.from(text, 'latin1'), 1024);
  if (r.kind !== 'ok') throw new Error(`not ok: ${JSON.stringify(r)}`);
  return r.head;
};

describe('request heads', () => {
  it.each([
    ['a partial head', 'GET / HTTP/1.1\r\nHost: a\r\n', 'need-more'],
    ['a head over the limit', `GET / HTTP/1.1\r\nX: ${'a'.repeat(1100)}\r\n\r\n`, 'too-large'],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', 'bad'],
    ['a folded line', 'GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n', 'bad'],
    ['HTTP/2 version', 'GET / HTTP/2.0\r\n\r\n', 'bad'],
    ['a request line without a target', 'GET HTTP/1.1\r\n\r\n', 'bad'],
  ])('%s: %s', (_name, text, kind) => {
    expect(parseRequestHead(Buffer.from(text, 'latin1'), 1024).kind).toBe(kind);
  });

  it('takes empty lines before the request line, keeps names as sent and trims values', () => {
    const h = head('\r\nPOST /x?y=1 HTTP/1.0\r\nX-Odd-Case:  v \r\n\r\nbody');
    expect(h).toMatchObject({ method: 'POST', target: '/x?y=1', version: '1.0', rawHeaders: ['X-Odd-Case', 'v'] });
    expect(h.size).toBe('\r\nPOST /x?y=1 HTTP/1.0\r\nX-Odd-Case:  v \r\n\r\n'.length);
  });

  it('finds a header on the bytes as in the list of all fields: any case, every value in order, nothing else', () => {
    const h = head('GET / HTTP/1.1\r\nX-Dev: a\r\nx-dev-2: b\r\nx-DEV:\t c d \r\nX-De: e\r\nA^b: f\r\nA~B: g\r\nEmpty:\r\n\r\n');
    const fromList = (name: string) => rawHeaderLookup(h.rawHeaders)(name);
    for (const name of ['x-dev', 'x-dev-2', 'x-de', 'x', 'a^b', 'a~b', 'empty', 'host']) expect(h.values(name)).toEqual(fromList(name));
    expect(h.values('x-dev')).toEqual(['a', 'c d']);
    expect(h.values('a^b')).toEqual(['f']);
  });
});

describe('framing', () => {
  const framing = (headers: string, version = '1.1') => requestFraming(head(`POST / HTTP/${version}\r\n${headers}\r\n`));
  it.each([
    ['no length', '', { kind: 'none' }],
    ['a length', 'Content-Length: 5\r\n', { kind: 'length', length: 5 }],
    ['repeated equal lengths', 'Content-Length: 5, 5\r\n', { kind: 'length', length: 5 }],
    ['chunked', 'Transfer-Encoding: gzip, chunked\r\n', { kind: 'chunked' }],
  ])('a request with %s', (_n, headers, expected) => {
    expect(framing(headers)).toEqual(expected);
  });
  it.each([
    ['both Transfer-Encoding and Content-Length', 'Transfer-Encoding: chunked\r\nContent-Length: 3\r\n'],
    ['differing lengths', 'Content-Length: 5\r\nContent-Length: 6\r\n'],
    ['a signed length', 'Content-Length: +5\r\n'],
    ['a coding that is not chunked last', 'Transfer-Encoding: chunked, gzip\r\n'],
  ])('refuses %s', (_n, headers) => {
    expect(typeof framing(headers)).toBe('string');
  });

  it('frames responses by the request they answer', () => {
    const res = (text: string) => {
      const r = parseResponseHead(Buffer.from(text, 'latin1'), 1024);
      if (r.kind !== 'ok') throw new Error('bad');
      return r.head;
    };
    expect(responseFraming(res('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n'), 'HEAD')).toEqual({ kind: 'none' });
    expect(responseFraming(res('HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n'), 'GET')).toEqual({ kind: 'none' });
    expect(responseFraming(res('HTTP/1.1 200 OK\r\n\r\n'), 'GET')).toEqual({ kind: 'until-close' });
    expect(responseFraming(res('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n'), 'GET')).toEqual({ kind: 'length', length: 2 });
  });
});

describe('response heads read for framing only', () => {
  it('keeps just the framing fields, in any case, and still refuses a bad line anywhere', () => {
    const text = 'HTTP/1.1 200 OK\r\nX-A: 1\r\nCONTENT-length: 2\r\nContent-Type: a\r\nConnection: close\r\nTransfer-Encodin: x\r\n\r\n';
    const r = parseResponseHead(Buffer.from(text, 'latin1'), 1024, true);
    expect(r).toMatchObject({ kind: 'ok', head: { status: 200, rawHeaders: ['CONTENT-length', '2', 'Connection', 'close'], size: text.length } });
    const bad = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-B : 1\r\n\r\n';
    expect(parseResponseHead(Buffer.from(bad, 'latin1'), 1024, true).kind).toBe('bad');
  });
});

describe('chunked bodies', () => {
  it('finds the end across any split, decodes the data and reads trailers', () => {
    const wire = Buffer.from('5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\n\r\nNEXT', 'latin1');
    for (let split = 1; split < wire.length - 4; split++) {
      const reader = new BodyReader({ kind: 'chunked' });
      const a = reader.feed(wire.subarray(0, split));
      const b = reader.feed(wire.subarray(a.consumed));
      expect(Buffer.concat([...a.data, ...b.data]).toString()).toBe('hello world');
      expect(b.done).toBe(true);
      expect(a.consumed + b.consumed).toBe(wire.length - 4);
      expect(b.trailers).toEqual(['X-Sum', '42']);
    }
  });
  it.each([
    ['a bad size', 'zz\r\n'],
    ['data longer than its size', '2\r\nabc\r\n'],
    ['a bare LF', '2\nab\r\n'],
  ])('stops at %s', (_n, text) => {
    expect(new BodyReader({ kind: 'chunked' }).feed(Buffer.from(text, 'latin1')).error).toBeDefined();
  });
});

describe('answers from a laptop', () => {
  const req = (version: string, extra = ''): RequestHead => head(`GET / HTTP/${version}\r\n${extra}\r\n`);
  const opts = (r: RequestHead) => ({ callerVersion: r.version, requestMethod: r.method, callerClose: r.version === '1.0' });
  it('answers HTTP/1.0 without chunked coding and closes', () => {
    const plan = planAnswer(200, 'OK', ['Content-Type', 'text/plain', 'Transfer-Encoding', 'chunked'], opts(req('1.0')));
    expect(plan.body).toBe('until-close');
    expect(plan.close).toBe(true);
    expect(plan.head).toBe('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n');
  });
  it('keeps the laptop connection\'s own fields out unless they say what this answer does', () => {
    const plan = planAnswer(200, 'OK', ['Connection', 'close', 'Content-Length', '2', 'Keep-Alive', 'timeout=5'], opts(req('1.1')));
    expect(plan).toEqual({ head: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n', body: 'length', close: false });
  });
  it('refuses a field that would split the answer', () => {
    expect(() => planAnswer(200, 'OK', ['X-Evil', 'a\r\nSet-Cookie: x=1'], opts(req('1.1')))).toThrow(/invalid character/);
  });
});
