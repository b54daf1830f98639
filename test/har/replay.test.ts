// The pieces `replay` and the TUI's `r` share: where to send, and what a recording sends.
import { describe, expect, it } from '@jest/globals';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { harEntry } from '../../plugin/har/entry.js';
import { parseTarget, requestOfEntry, requestOfEvent, sendReplay } from '../../plugin/har/replay.js';
import type { TrafficEvent } from '../../plugin/tunnel/types.js';

describe('parseTarget', () => {
  it.each([
    ['3000', { host: '127.0.0.1', port: 3000 }],
    ['localhost:8080', { host: 'localhost', port: 8080 }],
    ['10.0.0.1:1', { host: '10.0.0.1', port: 1 }],
    ['[::1]:443', { host: '::1', port: 443 }],
  ])('%s', (text, target) => {
    expect(parseTarget(text)).toEqual(target);
  });
  it.each(['', 'x', 'host:', ':80', 'h:0', 'h:65536', '::1:80', 'a:b:1'])('refuses %j', (text) => {
    expect(parseTarget(text)).toBeUndefined();
  });
});

const event: TrafficEvent = {
  type: 'traffic', id: '1', pod: 'p', registration: 'r', protocol: 'h2', start: 0, durationMs: 1, method: 'POST', path: '/svc/Call?k=[masked]', status: 200, httpVersion: '2.0',
  bytesIn: 10, bytesOut: 0, remote: '', requestHeaders: [':method', 'POST', ':authority', 'orders:8080', 'content-type', 'application/grpc', 'authorization', 'Bearer [masked]'],
  requestBody: { text: 'AAAAAAVoZWxsbw==', encoding: 'base64', truncated: true },
};

describe('what a recording sends', () => {
  it('from a traffic event: masked, or as sent when the event kept its secrets; no pseudo-headers', () => {
    expect(requestOfEvent(event)).toEqual({
      method: 'POST', target: '/svc/Call?k=[masked]', headers: ['content-type', 'application/grpc', 'authorization', 'Bearer [masked]'],
      body: Buffer.from('AAAAAAVoZWxsbw==', 'base64'), recordedBodyBytes: 10, http2: true, authority: 'orders:8080',
    });
    const secret = requestOfEvent({ ...event, secrets: { path: '/svc/Call?k=v', requestHeaders: ['authorization', 'Bearer s3cret'] } })!;
    expect(secret).toMatchObject({ target: '/svc/Call?k=v', headers: ['authorization', 'Bearer s3cret'] });
    expect(requestOfEvent({ ...event, secrets: { path: '/svc/Call?k=v', requestHeaders: ['authorization', 'Bearer s3cret'] } }, false)).toMatchObject({ target: '/svc/Call?k=[masked]' });
    expect(requestOfEvent({ ...event, protocol: 'tcp', method: undefined })).toBeUndefined();
  });

  it('from a HAR entry: the same request back', () => {
    const req = requestOfEntry(harEntry(event)!);
    expect(req).toEqual({
      method: 'POST', target: '/svc/Call?k=[masked]', headers: ['content-type', 'application/grpc', 'authorization', 'Bearer [masked]'],
      body: Buffer.from('AAAAAAVoZWxsbw==', 'base64'), recordedBodyBytes: 10, http2: true, authority: 'orders:8080',
    });
  });
});

describe('sendReplay over HTTP/2', () => {
  it('sends an HTTP/2 recording as cleartext HTTP/2 with its authority, headers and body', async () => {
    const got: { headers: http2.IncomingHttpHeaders; body: Buffer }[] = [];
    const server = http2.createServer();
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        got.push({ headers, body: Buffer.concat(chunks) });
        stream.respond({ ':status': 202, 'x-app': 'h2' });
        stream.end('done');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const answer = await sendReplay(requestOfEvent({ ...event, requestBody: { text: 'aGVsbG8=', encoding: 'base64' }, bytesIn: 5 })!, { host: '127.0.0.1', port });
      expect(answer).toMatchObject({ status: 202, headers: expect.arrayContaining(['x-app', 'h2']), body: Buffer.from('done') });
      expect(got[0].headers).toMatchObject({ ':method': 'POST', ':path': '/svc/Call?k=[masked]', ':authority': 'orders:8080', 'content-type': 'application/grpc', authorization: 'Bearer [masked]' });
      expect(got[0].body.toString()).toBe('hello');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
