// The curl line of `y`, run by a real shell against a real server: it sends what was recorded.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { curlCommand, osc52, shellQuote } from '../../plugin/har/curl.js';
import type { ReplayRequest } from '../../plugin/har/replay.js';

const run = promisify(execFile);

describe('shellQuote', () => {
  it.each([['plain', 'plain'], ['a b', "'a b'"], ["it's", "'it'\\''s'"], ['$HOME', "'$HOME'"], ['', "''"]])('%j', (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });
});

describe('curlCommand', () => {
  const req: ReplayRequest = {
    method: 'POST', target: "/orders?q=it's&x=$y", headers: ['Host', 'orders:8080', 'Content-Type', 'application/json', 'Content-Length', '20', 'X-Note', "a 'quoted' $value"],
    body: Buffer.from('{"say":"it\'s é"}'), recordedBodyBytes: 17, http2: false,
  };

  it('reads as a person would type it', () => {
    expect(curlCommand({ ...req, method: 'GET', body: Buffer.alloc(0), headers: ['Host', 'orders:8080'] }, { host: '127.0.0.1', port: 3000 }))
      .toBe("curl -sS -i 'http://127.0.0.1:3000/orders?q=it'\\''s&x=$y' -H 'Host: orders:8080'");
  });

  it.each([
    ['text', Buffer.from('{"say":"it\'s é"}')],
    ['binary', Buffer.from([0, 1, 2, 39, 255, 10])],
  ])('sends the recorded %s request when a shell runs it', async (_what, body) => {
    const got: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
    const server = http.createServer((r, res) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        got.push({ method: r.method, url: r.url, headers: r.headers, body: Buffer.concat(chunks) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const line = curlCommand({ ...req, body }, { host: '127.0.0.1', port: (server.address() as AddressInfo).port });
      await run('sh', ['-c', line]);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ method: 'POST', url: "/orders?q=it's&x=$y", body });
      expect(got[0].headers).toMatchObject({ host: 'orders:8080', 'content-type': 'application/json', 'x-note': "a 'quoted' $value", 'content-length': String(body.length) });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('wraps text for the clipboard in OSC 52', () => {
    expect(osc52('hé')).toBe('\x1b]52;c;aMOp\x07');
  });
});
