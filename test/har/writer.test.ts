// HAR files as --har writes them: valid HAR 1.2 after every entry (schema in har-schema.ts), still
// valid after the writing process is killed mid-stream, mode 0600, masked unless asked otherwise.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { EventHub } from '../../plugin/engine/event-hub.js';
import type { EngineEvent } from '../../plugin/engine/events.js';
import { harEntry, queryOf, urlOf } from '../../plugin/har/entry.js';
import { readHar } from '../../plugin/har/read.js';
import { recordHar } from '../../plugin/har/record.js';
import type { HarLog } from '../../plugin/har/types.js';
import { HarFile, writeHar } from '../../plugin/har/writer.js';
import type { TrafficEvent } from '../../plugin/tunnel/types.js';
import { harProblems } from './har-schema.js';

const tmp = mkdtempSync(join(tmpdir(), 'har-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base: TrafficEvent = {
  type: 'traffic', id: '1', pod: 'orders-abc', registration: 'r', protocol: 'http1', start: Date.UTC(2026, 0, 2, 3, 4, 5, 6), durationMs: 12.5,
  method: 'POST', path: '/orders?dry=1&q=a%20b&access_token=[masked]', status: 201, statusText: 'Created', httpVersion: '1.1', bytesIn: 9, bytesOut: 4, remote: '10.0.0.9:5555',
  requestHeaders: ['Host', 'orders:8080', 'Authorization', 'Bearer [masked]', 'Cookie', 'a=[masked]; b=[masked]', 'Content-Type', 'application/json'],
  responseHeaders: ['Content-Type', 'application/octet-stream', 'Set-Cookie', 'sid=[masked]; Path=/', 'Location', '/orders/1'],
  requestBody: { text: '{"a":"é"}', mimeType: 'application/json' },
  responseBody: { text: 'AAECAw==', encoding: 'base64', mimeType: 'application/octet-stream' },
  timings: { send: 0.5, wait: 10, receive: 2 },
  secrets: { path: '/orders?dry=1&q=a%20b&access_token=t0k', requestHeaders: ['Host', 'orders:8080', 'Authorization', 'Bearer s3cret'], responseHeaders: ['Set-Cookie', 'sid=abc'] },
};
const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as HarLog;

describe('harEntry', () => {
  it('makes a HAR 1.2 entry of a traffic event, masked', () => {
    const e = harEntry(base)!;
    expect(harProblems({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [e] } })).toEqual([]);
    expect(e.startedDateTime).toBe('2026-01-02T03:04:05.006Z');
    expect(e.time).toBe(12.5);
    expect(e.request).toMatchObject({ method: 'POST', url: 'http://orders:8080/orders?dry=1&q=a%20b&access_token=[masked]', httpVersion: 'HTTP/1.1', bodySize: 9 });
    expect(e.request.queryString).toEqual([{ name: 'dry', value: '1' }, { name: 'q', value: 'a b' }, { name: 'access_token', value: '[masked]' }]);
    expect(e.request.cookies).toEqual([{ name: 'a', value: '[masked]' }, { name: 'b', value: '[masked]' }]);
    expect(e.request.postData).toEqual({ mimeType: 'application/json', text: '{"a":"é"}' });
    expect(e.response).toMatchObject({ status: 201, statusText: 'Created', redirectURL: '/orders/1', bodySize: 4 });
    expect(e.response.content).toEqual({ size: 4, mimeType: 'application/octet-stream', text: 'AAECAw==', encoding: 'base64' });
    expect(e.response.cookies).toEqual([{ name: 'sid', value: '[masked]' }]);
    expect(JSON.stringify(e)).not.toMatch(/s3cret|t0k|sid=abc/);
  });

  it('keeps credentials only when asked to', () => {
    const e = harEntry(base, true)!;
    expect(e.request.url).toBe('http://orders:8080/orders?dry=1&q=a%20b&access_token=t0k');
    expect(e.request.headers).toContainEqual({ name: 'Authorization', value: 'Bearer s3cret' });
    expect(e.response.cookies).toEqual([{ name: 'sid', value: 'abc' }]);
  });

  it('notes a cut body, a body not recorded, and a request that got no answer', () => {
    const cut = harEntry({ ...base, bytesIn: 100_000, requestBody: { text: 'abc', mimeType: 'text/plain', truncated: true } })!;
    expect(cut.request.postData?.comment).toBe('body cut: the first 3 of 100000 bytes are kept');
    const none = harEntry({ ...base, requestBody: undefined, responseBody: undefined })!;
    expect(none.request.postData).toEqual({ mimeType: 'application/json', text: '', comment: 'body of 9 bytes not recorded' });
    expect(none.response.content.comment).toBe('body of 4 bytes not recorded');
    const failed = harEntry({ ...base, status: undefined, statusText: undefined, responseHeaders: undefined, responseBody: undefined, bytesOut: 0, error: 'the caller or the tunnel went away' })!;
    expect(failed.response).toMatchObject({ status: 0, statusText: '' });
    expect(failed.comment).toBe('no complete answer: the caller or the tunnel went away');
    expect(harProblems({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [cut, none, failed] } })).toEqual([]);
  });

  it('is checked by a schema that refuses what HAR 1.2 does not allow', () => {
    const e = harEntry(base)!;
    const log = (entry: object) => ({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [entry] } });
    expect(harProblems(log({ ...e, timings: { wait: 1, receive: 1 } }))).toContainEqual(expect.stringContaining("should have required property 'send'"));
    expect(harProblems(log({ ...e, time: 99 }))).toContainEqual(expect.stringContaining('is not the sum of its timings'));
    expect(harProblems(log({ ...e, pod: 'x' }))).toContainEqual(expect.stringContaining('should NOT have additional properties'));
    expect(harProblems(log({ ...e, request: { ...e.request, url: '/relative' } }))).toContainEqual(expect.stringContaining('.request.url'));
    expect(harProblems({ log: { version: '1.1', creator: { name: 't', version: '1' }, entries: [] } })).not.toEqual([]);
  });

  it('marks a mirrored copy, and a body the mirror cut', () => {
    const e = harEntry({ ...base, mirror: true, requestCut: true, bytesIn: 3, requestBody: { text: 'abc', mimeType: 'text/plain' } })!;
    expect(e._mirror).toBe(true);
    expect(e.comment).toBe('a mirrored copy: the caller was answered by the cluster, not by this answer');
    expect(e.request.postData?.comment).toBe('body cut by the agent: a mirror copies only the first bytes of a request');
  });

  it('has no entry for raw TCP', () => {
    expect(harEntry({ ...base, method: undefined, path: undefined, protocol: 'tcp' })).toBeUndefined();
  });

  it.each([
    ['/x', ['host', 'a:1'], 'http://a:1/x'],
    ['/x', [':authority', 'h2.local', ':scheme', 'https', 'host', 'ignored'], 'https://h2.local/x'],
    ['http://proxy.example/y', ['host', 'a'], 'http://proxy.example/y'],
    ['/z', [], 'http://localhost/z'],
  ])('URL of %s with %j', (target, headers, url) => {
    expect(urlOf(target, headers)).toBe(url);
  });

  it('parses queries leniently', () => {
    expect(queryOf('/a?x&y=%zz&&z=1+2#frag')).toEqual([{ name: 'x', value: '' }, { name: 'y', value: '%zz' }, { name: 'z', value: '1 2' }]);
  });
});

describe('recordHar', () => {
  it('folds the traffic events of a session, backlog included, into entries; raw TCP has none', () => {
    const hub = new EventHub<EngineEvent>();
    hub.emit({ ...base, id: 'early' });
    const path = join(tmp, 'recorded.har');
    const rec = recordHar(hub, path, { localTarget: '127.0.0.1:9' });
    hub.emit({ type: 'traffic-start', id: 'x', pod: 'p', registration: 'r', protocol: 'http1', start: 0, remote: '' });
    hub.emit({ ...base, id: 'tcp', protocol: 'tcp', method: undefined, path: undefined });
    hub.emit({ ...base, id: 'late', path: '/late' });
    rec.stop();
    hub.emit({ ...base, id: 'after', path: '/after' });
    expect(rec.entries()).toBe(2);
    const har = read(path);
    expect(har.log.entries.map((e) => e.request.url)).toEqual(['http://orders:8080/orders?dry=1&q=a%20b&access_token=[masked]', 'http://orders:8080/late']);
    expect(harProblems(har)).toEqual([]);
  });
});

describe('HarFile', () => {
  it('is valid HAR after creation and after every entry, mode 0600', () => {
    const path = join(tmp, 'live.har');
    const file = HarFile.create(path, { localTarget: '127.0.0.1:3000' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(harProblems(read(path))).toEqual([]);
    expect(read(path).log).toMatchObject({ version: '1.2', creator: { name: 'kubectl-intercept' }, _localTarget: '127.0.0.1:3000', entries: [] });
    for (let i = 0; i < 5; i++) {
      file.add(harEntry({ ...base, id: String(i), path: `/n/${i}` })!);
      const har = read(path);
      expect(har.log.entries.map((e) => e.request.url)).toEqual(Array.from({ length: i + 1 }, (_, k) => `http://orders:8080/n/${k}`));
      expect(harProblems(har)).toEqual([]);
    }
    file.close();
  });

  it('narrows the mode of a file that was there, and empties it', () => {
    const path = join(tmp, 'old.har');
    writeFileSync(path, 'x'.repeat(10_000));
    chmodSync(path, 0o644);
    expect(writeHar(path, [harEntry(base)!])).toBe(1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(read(path).log.entries).toHaveLength(1);
  });

  it('says what went wrong when the file cannot be written', () => {
    expect(() => HarFile.create(join(tmp, 'no-such-dir', 'x.har'))).toThrow(/cannot write the HAR file .*no-such-dir.*ENOENT/);
  });

  it('reads back every whole entry of a file cut inside one, and says it was cut', () => {
    const path = join(tmp, 'cut.har');
    writeHar(path, [0, 1, 2].map((i) => harEntry({ ...base, path: `/c/${i}` })!));
    const whole = readFileSync(path, 'utf8');
    for (const at of [whole.lastIndexOf('/c/2') + 3, whole.length - 3]) {
      writeFileSync(path, whole.slice(0, at));
      const back = readHar(path);
      expect(back.recovered).toBe(true);
      expect(back.entries.map((e) => new URL(e.request.url).pathname)).toEqual(at < whole.length - 5 ? ['/c/0', '/c/1'] : ['/c/0', '/c/1', '/c/2']);
    }
    writeFileSync(path, whole.slice(0, 20));
    expect(() => readHar(path)).toThrow(/is not a HAR file kubectl-intercept can replay: not JSON/);
  });

  it('keeps every whole entry when the writing process is killed at any moment', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const bundle = join(tmp, 'writer.mjs');
    await build({ entryPoints: [join(here, 'writer-main.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'esm', logLevel: 'error', define: { __INTERCEPT_VERSION__: '"test"' } });
    let cut = 0;
    for (const [i, afterMs] of [[0, 30], [1, 170], [2, 333], [3, 500]] as const) {
      const path = join(tmp, `killed-${i}.har`);
      const child = spawn(process.execPath, [bundle, path, '100000'], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, afterMs));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      // Valid HAR, or (the kill landed inside a write) every entry but the cut one, read back.
      const text = readFileSync(path, 'utf8');
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
        cut++;
      }
      const back = readHar(path);
      expect(back.recovered).toBe(valid ? undefined : true);
      expect(back.entries.length).toBeGreaterThanOrEqual(20);
      expect(back.entries.map((e) => e.request.url)).toEqual(back.entries.map((_, k) => `http://x/n/${k}`));
      expect(harProblems({ log: { version: '1.2', creator: { name: 'kubectl-intercept', version: 'test' }, entries: back.entries } })).toEqual([]);
    }
    // How often a kill -9 cut the file inside an entry (for the issue note; either way nothing whole is lost).
    process.stderr.write(`killed writers whose file was cut inside an entry: ${cut} of 4\n`);
  }, 90_000);
});
