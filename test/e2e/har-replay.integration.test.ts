// Record and replay with the built CLI on the playground: `start --har` records the requests a
// header match sends to this machine as valid HAR 1.2 (mode 0600), and `replay` sends them again
// to another local server, which gets the same method, target, headers and body bytes the
// intercepted local app got; --filter picks, the recorded local target is the default, a file
// that is no HAR is one line and exit 2.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HarLog } from '../../plugin/har/types.js';
import { runIntercept } from '../helpers/cli.js';
import { harProblems } from '../har/har-schema.js';
import { filePlayground, startHolder, stopHolder, waitActive, type Holder } from './harness.js';

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

/** A local process that keeps every request as it got it; /fail answers 500 unless `healed`. */
async function captureApp(healed = false): Promise<{ port: number; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) });
      if (req.url === '/fail' && !healed) return void res.writeHead(500, { 'content-type': 'text/plain' }).end('broken');
      if (req.url?.startsWith('/bin')) return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0, 1, 2, 255]));
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'set-cookie': 'sid=abc; Path=/' }).end(JSON.stringify({ got: req.url }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function send(host: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: 8080, path, method: opts.method ?? 'GET', headers: { connection: 'close', ...opts.headers }, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const playground = filePlayground();
let holder: Holder | undefined;
const tmp = mkdtempSync(join(tmpdir(), 'har-e2e-'));

afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('--har and replay', () => {
  it('records an intercept as HAR 1.2 and replays it to a local server byte for byte', async () => {
    const app = await captureApp();
    const file = join(tmp, 'orders.har');
    holder = playground.keep(startHolder(['orders', '--port', `${app.port}:http`, '--http-header', 'x-dev=har', '--name', 'har', '--har', file, '--har-unmasked', '--kubeconfig', playground.pg.kubeconfigPath]));
    await waitActive(holder, 'har');
    const ip = await playground.pg.kubectlOk(['get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}']);
    const dev = { 'x-dev': 'har' };
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(await send(ip, '/orders/1?x=1&y=two%20words', { headers: { ...dev, Authorization: 'Bearer s3cret', Cookie: 'a=1; b=2', 'X-Mixed-Case': 'Kept' } })).toBe(200);
    expect(await send(ip, '/orders', { method: 'POST', headers: { ...dev, 'content-type': 'application/json' }, body: '{"item":"book","qty":2,"note":"é"}' })).toBe(201);
    expect(await send(ip, '/bin/upload', { method: 'PUT', headers: { ...dev, 'content-type': 'application/octet-stream' }, body: binary })).toBe(200);
    expect(await send(ip, '/fail', { headers: dev })).toBe(500);
    // Not intercepted: goes to the pods, and is not in the file.
    expect(await send(ip, '/orders/2')).toBe(200);
    expect(app.seen).toHaveLength(4);

    // The file is valid while the intercept still runs.
    const live = JSON.parse(readFileSync(file, 'utf8')) as HarLog;
    expect(harProblems(live)).toEqual([]);
    expect(await stopHolder(holder)).toBe(0);
    expect(holder.stderr()).toContain(`recorded 4 requests in ${file}`);

    expect(statSync(file).mode & 0o777).toBe(0o600);
    const har = JSON.parse(readFileSync(file, 'utf8')) as HarLog;
    expect(harProblems(har)).toEqual([]);
    expect(har.log._localTarget).toBe(`127.0.0.1:${app.port}`);
    const [get, post, put, fail] = har.log.entries;
    expect(get.request.url).toMatch(/^http:\/\/[\d.]+:8080\/orders\/1\?x=1&y=two%20words$/);
    expect(get.request.queryString).toEqual([{ name: 'x', value: '1' }, { name: 'y', value: 'two words' }]);
    expect(get.request.headers).toContainEqual({ name: 'Authorization', value: 'Bearer s3cret' });
    expect(get.response.cookies).toEqual([{ name: 'sid', value: 'abc' }]);
    expect(post.request.postData).toEqual({ mimeType: 'application/json', text: '{"item":"book","qty":2,"note":"é"}' });
    expect(post.response).toMatchObject({ status: 201, statusText: 'Created', content: { mimeType: 'application/json', text: '{"got":"/orders"}' } });
    expect(put.request.postData).toEqual({ mimeType: 'application/octet-stream', text: binary.toString('base64'), _encoding: 'base64' });
    expect(put.response.content).toMatchObject({ size: 4, text: 'AAEC/w==', encoding: 'base64' });
    expect(fail.response.status).toBe(500);
    for (const e of har.log.entries) expect(e.timings.send + e.timings.wait + e.timings.receive).toBeCloseTo(e.time, 2);

    const again = await captureApp(true);
    const r = await runIntercept(['replay', file, '--to', `127.0.0.1:${again.port}`]);
    expect(r.stderr).toBe(`replayed 4 of 4 requests to 127.0.0.1:${again.port}; 1 answered with another status than recorded\n`);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^ {2}1 {2}GET \/orders\/1\?x=1&y=two%20words +200 +\S+ +\S+ +200 +\S+ +\S+$/);
    expect(lines[4]).toMatch(/GET \/fail +500 +6B +\S+ +200 +.* status differs$/);
    // Byte for byte: what the replay sent is what the intercepted app got.
    expect(again.seen).toEqual(app.seen);

    // --filter picks; without --to the requests go where the intercept sent them.
    const filtered = await runIntercept(['replay', file, '--filter', 'method:POST']);
    expect(filtered.code).toBe(0);
    expect(app.seen.slice(4)).toEqual([app.seen[1]]);
    expect(filtered.stdout.trimEnd().split('\n')).toHaveLength(2);
    const status = await runIntercept(['replay', file, '--to', String(again.port), '--filter', 'status:5xx']);
    expect(status.stdout).toContain('GET /fail');
    expect(again.seen).toHaveLength(5);
    await Promise.all([app.close(), again.close()]);

    // Nothing listens: every line says so, exit 1.
    const down = await runIntercept(['replay', file]);
    expect(down.code).toBe(1);
    expect(down.stdout).toContain('not sent: connect ECONNREFUSED');
    expect(down.stderr).toContain('4 could not be sent: is the local process listening on 127.0.0.1:');
  }, 150_000);

  it('says in one line why a file cannot be replayed, exit 2', async () => {
    const cases: [string, RegExp][] = [
      ['not json', /^error: \S+ is not a HAR file kubectl-intercept can replay: not JSON \(.+\)\n$/],
      ['{"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":"/x","headers":[]}}]}}', /^error: \S+ is not a HAR file kubectl-intercept can replay: entry 1 has no absolute request\.url \("\/x"\)\n$/],
      ['{"log":{"version":"2.0","entries":[]}}', /log\.version is "2\.0", not 1\.x\n$/],
    ];
    for (const [text, message] of cases) {
      const file = join(tmp, 'bad.har');
      writeFileSync(file, text);
      const r = await runIntercept(['replay', file, '--to', '1']);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
    }
    const missing = await runIntercept(['replay', join(tmp, 'none.har')]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: cannot read \S+none\.har: ENOENT.*\n$/) });
    writeFileSync(join(tmp, 'empty.har'), '{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[]}}');
    const noTo = await runIntercept(['replay', join(tmp, 'empty.har')]);
    expect(noTo).toMatchObject({ code: 2, stderr: expect.stringContaining('does not say where its requests went on this machine: give --to HOST:PORT') });
    expect(await runIntercept(['replay', join(tmp, 'empty.har'), '--to', 'x:99999'])).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid --to "x:99999"') });
  }, 60_000);
});
