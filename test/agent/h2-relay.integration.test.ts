// The HTTP/2 frame relay (plugin/agent/h2-relay.ts) with real node:http2 callers, apps and a
// real tunnel client: streams of one connection split between the app and a laptop, with the
// HPACK state, flow control, trailers, resets and GOAWAY that such a split has to keep right.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import http2 from 'node:http2';
import net from 'node:net';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { freePort } from '../fixtures/dataplane/apps.js';
import { connectClient, eventually, type TestClient } from '../fixtures/dataplane/clients.js';

interface Probe { port: number; server: http2.Http2Server; close(): Promise<void> }

/**
 * An h2c app that tells what it got: the request's headers, body length and hash, and request
 * trailers come back in the body (JSON, with who answered) and trailers. `/down/N` answers N bytes instead, `/slow`
 * answers after 400 ms, `/bye` answers after 200 ms and then closes its connection (GOAWAY),
 * `/hang` never answers.
 */
async function startProbe(name: string): Promise<Probe> {
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const hash = createHash('sha256');
    let length = 0;
    let trailers: http2.IncomingHttpHeaders = {};
    stream.on('data', (c: Buffer) => { hash.update(c); length += c.length; });
    stream.on('trailers', (t) => { trailers = t; });
    stream.on('end', () => {
      const path = String(headers[':path']);
      const answer = () => {
        if (stream.destroyed) return;
        stream.respond({ ':status': 200, 'x-served-by': name }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'x-got-trailer': String(trailers['x-check'] ?? ''), 'x-length': String(length) }));
        const down = /^\/down\/(\d+)$/.exec(path);
        if (down) return void stream.end(Buffer.alloc(Number(down[1]), 'd'));
        const seen: Record<string, string> = {};
        for (const [k, v] of Object.entries(headers)) if (k.startsWith('x-')) seen[k] = String(v);
        stream.end(JSON.stringify({ by: name, headers: seen, length, sha: hash.digest('hex') }));
        if (path === '/bye') stream.session?.close();
      };
      if (path === '/hang') return;
      if (path === '/slow') setTimeout(answer, 400);
      else if (path === '/bye') setTimeout(answer, 200);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Answer { by: string; status: number; body: Buffer; trailers: http2.IncomingHttpHeaders }

function call(session: http2.ClientHttp2Session, path: string, headers: Record<string, string> = {}, body?: Buffer | string, trailer?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': path, ...headers }, { waitForTrailers: trailer !== undefined });
    if (trailer !== undefined) req.on('wantTrailers', () => req.sendTrailers({ 'x-check': trailer }));
    let by = '';
    let status = 0;
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    req.on('response', (h) => { by = String(h['x-served-by'] ?? ''); status = Number(h[':status']); });
    req.on('trailers', (t) => { trailers = t; });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ by, status, body: Buffer.concat(chunks), trailers }));
    req.on('error', reject);
    // In pieces, as a streaming client writes: node counts a body handed over whole against the
    // session's memory (maxSessionMemory) until the peer's windows let it out.
    const data = typeof body === 'string' ? Buffer.from(body) : body ?? Buffer.alloc(0);
    let at = 0;
    (function pump() {
      while (at < data.length) {
        const piece = data.subarray(at, at + 65536);
        at += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    })();
  });
}

const json = (a: Answer) => JSON.parse(a.body.toString()) as { headers: Record<string, string>; length: number; sha: string };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ALICE = { 'x-dev': 'alice' };

afterAll(() => removeBundleDirs());

describe('HTTP/2 relay: streams of one connection split between the app and a laptop', () => {
  let app: Probe;
  let laptop: Probe;
  let agent: AgentProcess;
  let port: number;
  let client: TestClient;

  beforeAll(async () => {
    [app, laptop] = await Promise.all([startProbe('app'), startProbe('laptop')]);
    agent = await startAgent({ appPorts: [app.port] });
    port = agent.agentPorts[0];
    client = await connectClient({
      controlPort: agent.controlPort, localPort: laptop.port, name: 'alice',
      registrations: [{ id: 'r1', port: app.port, match: { headers: [{ name: 'x-dev', value: 'alice' }] } }],
    });
  });
  afterAll(async () => {
    await client.session.close();
    await agent.stop();
    await Promise.all([app.close(), laptop.close()]);
  });

  const connect = (settings?: http2.Settings) => {
    const session = http2.connect(`http://127.0.0.1:${port}`, settings ? { settings } : {});
    session.on('error', () => undefined);
    return session;
  };

  it('keeps the app reading the right headers when the caller reuses table entries made on a laptop stream', async () => {
    const session = connect();
    try {
      const first = await call(session, '/a', { 'x-tenant': 'blue', 'x-trace': 't1' });
      expect(json(first).headers).toEqual({ 'x-tenant': 'blue', 'x-trace': 't1' });
      // New entries go into the caller's dynamic table on a stream the app never sees ...
      const mine = await call(session, '/b', { ...ALICE, 'x-tenant': 'blue', 'x-new': 'n1' });
      expect(mine.by).toBe('laptop');
      expect(json(mine).headers).toEqual({ ...ALICE, 'x-tenant': 'blue', 'x-new': 'n1' });
      // ... and the next request to the app refers to them by index.
      for (let i = 0; i < 5; i++) {
        const next = await call(session, '/c', { 'x-tenant': 'blue', 'x-new': 'n1', 'x-trace': 't1', 'x-i': String(i % 2) });
        expect(next.by).toBe('app');
        expect(json(next).headers).toEqual({ 'x-tenant': 'blue', 'x-new': 'n1', 'x-trace': 't1', 'x-i': String(i % 2) });
        const again = await call(session, '/d', { ...ALICE, 'x-new': 'n1', 'x-i': String(i % 2) });
        expect(again.by).toBe('laptop');
        expect(json(again).headers).toEqual({ ...ALICE, 'x-new': 'n1', 'x-i': String(i % 2) });
      }
    } finally {
      session.close();
    }
  });

  it('serves curl --http2-prior-knowledge on both sides', async () => {
    // One request per curl run: curl 7.88 fails a second request on a reused h2c connection even
    // to a node server directly ("Error in the HTTP2 framing layer"), so it cannot test reuse.
    const curl = (headers: string[]) => new Promise<string>((resolve, reject) => execFile('curl', [
      '--http2-prior-knowledge', '-sS', '--data-binary', 'from-curl', ...headers.flatMap((h) => ['-H', h]), `http://127.0.0.1:${port}/curl`,
    ], (err, stdout) => (err ? reject(err) : resolve(stdout))));
    const [toApp, toLaptop] = await Promise.all([curl(['x-tenant: blue']), curl(['x-dev: alice', 'x-tenant: blue'])]);
    expect(JSON.parse(toApp)).toMatchObject({ by: 'app', headers: { 'x-tenant': 'blue' }, sha: sha(Buffer.from('from-curl')) });
    expect(JSON.parse(toLaptop)).toMatchObject({ by: 'laptop', headers: { 'x-dev': 'alice', 'x-tenant': 'blue' }, sha: sha(Buffer.from('from-curl')) });
  });

  it('carries big bodies both ways on app and laptop streams at the same time', async () => {
    const session = connect();
    try {
      const up = Buffer.alloc(5 * 1024 * 1024);
      for (let i = 0; i < up.length; i += 4096) up.writeUInt32BE(i, i);
      const [toApp, toLaptop, fromApp, fromLaptop] = await Promise.all([
        call(session, '/up', {}, up),
        call(session, '/up', ALICE, up),
        call(session, '/down/6000000'),
        call(session, '/down/6000000', ALICE),
      ]);
      expect([toApp.by, toLaptop.by, fromApp.by, fromLaptop.by]).toEqual(['app', 'laptop', 'app', 'laptop']);
      expect(json(toApp)).toMatchObject({ length: up.length, sha: sha(up) });
      expect(json(toLaptop)).toMatchObject({ length: up.length, sha: sha(up) });
      expect(fromApp.body.length).toBe(6_000_000);
      expect(fromLaptop.body.length).toBe(6_000_000);
      expect(sha(fromLaptop.body)).toBe(sha(fromApp.body));
    } finally {
      session.close();
    }
  });

  it('answers many concurrent streams of one connection, each from the right side', async () => {
    const session = connect();
    try {
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => call(session, `/n/${i}`, i % 3 === 0 ? ALICE : { 'x-i': String(i) }, `body-${i}`)));
      answers.forEach((a, i) => {
        expect(a.status).toBe(200);
        expect(a.by).toBe(i % 3 === 0 ? 'laptop' : 'app');
        expect(json(a).sha).toBe(sha(Buffer.from(`body-${i}`)));
      });
    } finally {
      session.close();
    }
  });

  it("keeps within a caller's small windows and smallest frame size", async () => {
    const session = connect({ initialWindowSize: 1000, maxFrameSize: 16384 });
    try {
      const [fromApp, fromLaptop, echoed] = await Promise.all([
        call(session, '/down/300000'),
        call(session, '/down/300000', ALICE),
        call(session, '/up', ALICE, Buffer.alloc(200_000, 'u')),
      ]);
      expect(fromApp.body.length).toBe(300_000);
      expect(fromLaptop.body.length).toBe(300_000);
      expect(json(echoed).length).toBe(200_000);
    } finally {
      session.close();
    }
  });

  it('relays request and response trailers on both kinds of stream', async () => {
    const session = connect();
    try {
      await call(session, '/x', ALICE); // the app's blocks are re-encoded from here on
      const [toApp, toLaptop] = await Promise.all([
        call(session, '/t', {}, 'body', 'for-app'),
        call(session, '/t', ALICE, 'body', 'for-laptop'),
      ]);
      expect(toApp.trailers).toMatchObject({ 'x-got-trailer': 'for-app', 'x-length': '4' });
      expect(toLaptop.trailers).toMatchObject({ 'x-got-trailer': 'for-laptop', 'x-length': '4' });
    } finally {
      session.close();
    }
  });

  it('lets the caller reset streams of both kinds and goes on serving the connection', async () => {
    const session = connect();
    try {
      const cancelled = [ALICE, {}].map((headers) => new Promise<number>((resolve) => {
        const req = session.request({ ':method': 'POST', ':path': '/slow', ...headers });
        req.on('error', () => undefined);
        req.on('close', () => resolve(req.rstCode ?? -1));
        req.write(Buffer.alloc(100_000));
        setTimeout(() => req.close(http2.constants.NGHTTP2_CANCEL), 100);
      }));
      expect(await Promise.all(cancelled)).toEqual([http2.constants.NGHTTP2_CANCEL, http2.constants.NGHTTP2_CANCEL]);
      const [a, b] = await Promise.all([call(session, '/after'), call(session, '/after', ALICE)]);
      expect([a.by, b.by]).toEqual(['app', 'laptop']);
    } finally {
      session.close();
    }
  });

  it("finishes a laptop stream opened after the app's GOAWAY named an older last stream", async () => {
    const session = connect();
    try {
      let goawayLast = -1;
      session.on('goaway', (_code: number, last: number) => { goawayLast = last; });
      // The app closes after /bye (stream 1), while stream 3 is with the laptop.
      const bye = call(session, '/bye');
      await new Promise((r) => setTimeout(r, 50));
      const slow = call(session, '/slow', ALICE);
      const [a, b] = await Promise.all([bye, slow]);
      expect(a.by).toBe('app');
      expect(b.by).toBe('laptop');
      expect(goawayLast).toBe(3);
    } finally {
      session.close();
    }
    // A new connection gets a new app connection.
    const fresh = connect();
    try {
      expect((await call(fresh, '/again')).by).toBe('app');
    } finally {
      fresh.close();
    }
  });
});

describe('HTTP/2 relay: a laptop that goes away, a pod that stops', () => {
  let app: Probe;
  let laptop: Probe;
  let agent: AgentProcess;

  beforeAll(async () => {
    [app, laptop] = await Promise.all([startProbe('app'), startProbe('laptop')]);
    agent = await startAgent({ appPorts: [app.port] });
  });
  afterAll(async () => {
    await agent.stop();
    await Promise.all([app.close(), laptop.close()]);
  });

  const connect = () => {
    const session = http2.connect(`http://127.0.0.1:${agent.agentPorts[0]}`);
    session.on('error', () => undefined);
    return session;
  };
  const register = () => connectClient({
    controlPort: agent.controlPort, localPort: laptop.port, name: 'bob',
    registrations: [{ id: 'b', port: app.port, match: { headers: [{ name: 'x-dev', value: 'bob' }] } }],
  });

  it('answers a laptop stream whose tunnel closes mid-flight with a 502 that says so; the connection goes on to the app', async () => {
    const c = await register();
    const session = connect();
    try {
      expect((await call(session, '/first', { 'x-dev': 'bob' })).by).toBe('laptop');
      const pending = call(session, '/hang', { 'x-dev': 'bob' }, 'body');
      await eventually(() => c.events.find((e) => e.type === 'traffic-start' && e.path === '/hang'), 'the stream reached the laptop');
      await c.session.close();
      const failed = await pending;
      expect(failed.status).toBe(502);
      expect(failed.body.toString()).toContain('failed while this request was in flight');
      expect((await call(session, '/next', { 'x-dev': 'bob' })).by).toBe('app');
    } finally {
      session.close();
    }
  });

  it('on SIGTERM sends callers GOAWAY and lets the streams in flight on both sides finish', async () => {
    const c = await register();
    const session = connect();
    try {
      expect((await call(session, '/warm')).by).toBe('app');
      const goaway = new Promise<number>((resolve) => session.once('goaway', (code: number) => resolve(code)));
      const inFlight = Promise.all([call(session, '/slow'), call(session, '/slow', { 'x-dev': 'bob' })]);
      await eventually(() => c.events.find((e) => e.type === 'traffic-start' && e.path === '/slow'), 'the stream reached the laptop');
      agent.child.kill('SIGTERM');
      expect(await goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
      const [a, b] = await inFlight;
      expect([a.by, a.status, b.by, b.status]).toEqual(['app', 200, 'laptop', 200]);
    } finally {
      session.close();
      await c.session.close();
    }
  });
});

describe('HTTP/2 relay: an app that is down', () => {
  let laptop: Probe;
  let agent: AgentProcess;
  let deadPort: number;

  beforeAll(async () => {
    laptop = await startProbe('laptop');
    deadPort = await freePort(); // nothing listens there
    agent = await startAgent({ appPorts: [deadPort] });
  });
  afterAll(async () => {
    await agent.stop();
    await laptop.close();
  });

  it("serves the laptop's streams and answers the app's with a 502 that says so", async () => {
    const c = await connectClient({
      controlPort: agent.controlPort, localPort: laptop.port, name: 'carol',
      registrations: [{ id: 'c', port: deadPort, match: { headers: [{ name: 'x-dev', value: 'carol' }] } }],
    });
    try {
      const session = http2.connect(`http://127.0.0.1:${agent.agentPorts[0]}`);
      session.on('error', () => undefined);
      try {
        const mine = await call(session, '/mine', { 'x-dev': 'carol' }, 'x');
        expect([mine.by, mine.status]).toEqual(['laptop', 200]);
        const theirs = await call(session, '/theirs', {}, 'x');
        expect(theirs.status).toBe(502);
        expect(theirs.body.toString()).toContain(`the app on port ${deadPort} did not answer`);
      } finally {
        session.close();
      }
      // The 502 came with GOAWAY; a new connection serves the laptop again.
      const again = http2.connect(`http://127.0.0.1:${agent.agentPorts[0]}`);
      again.on('error', () => undefined);
      try {
        expect((await call(again, '/mine', { 'x-dev': 'carol' })).by).toBe('laptop');
      } finally {
        again.close();
      }
    } finally {
      await c.session.close();
    }
  });
});
