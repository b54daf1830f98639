import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { cleanup } from 'ink-testing-library';
import { EventHub } from '../../../plugin/engine/event-hub.js';
import type { EngineEvent } from '../../../plugin/engine/events.js';
import { useEngine } from '../../../ui/hooks/use-engine.js';
import { TrafficView } from '../../../ui/views/TrafficView.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TrafficRow } from '../../../ui/state/traffic.js';
import { DETAILED, INFO, LOCAL_DOWN, PODS, request, requests, START } from '../fixtures/events.js';
import { KEY, press, renderTui, SIZE_80x24, waitForScreen, waitUntil } from '../render-helper.js';

const HEADER = { context: 'playground', server: 'https://127.0.0.1:39999', namespace: 'demo', user: 'alice' };

function Live(props: { hub: EventHub<EngineEvent>; onLeave?: () => void; onWriteEnv?: (path: string) => Promise<string>; onWriteHar?: (rows: TrafficRow[]) => Promise<string>; writeTerminal?: (d: string) => void; size?: { columns: number; rows: number } }) {
  const view = useEngine(props.hub, { intervalMs: 20 });
  return (
    <TrafficView view={view} header={HEADER} size={props.size ?? SIZE_80x24} onLeave={props.onLeave ?? (() => undefined)} envFile="orders.env" onWriteEnv={props.onWriteEnv ?? (async () => 'ok')}
      onWriteHar={props.onWriteHar} writeTerminal={props.writeTerminal ?? (() => undefined)} />
  );
}

function setup(extra: EngineEvent[] = [], opts: Parameters<typeof Live>[0] extends infer P ? Omit<P, 'hub'> : never = {}) {
  const hub = new EventHub<EngineEvent>(500);
  for (const e of [...START, ...extra]) hub.emit(e);
  const r = renderTui(<Live hub={hub} {...opts} />);
  return { hub, r };
}

afterEach(cleanup);

describe('TrafficView', () => {
  it('shows the header, the intercept state, one row per request and the totals, within 80x24', async () => {
    const { r } = setup(requests(0, 40));
    const screen = await waitForScreen(r, 'intercepted 40');
    expect(screen).toContain('ctx playground');
    expect(screen).toContain('user alice');
    expect(screen).toContain('deployment/orders :80 → 127.0.0.1:8080 · x-dev=alice');
    expect(screen).toContain('● healthy');
    expect(screen).toContain('2/2 pods');
    expect(screen).toContain('errors 8');
    // The newest requests are visible, the oldest scrolled away.
    expect(screen).toContain('/orders/1039');
    expect(screen).not.toContain('/orders/1000 ');
    const lines = screen.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(lines[lines.length - 1]).toContain('q leave');
  });

  it('follows events as they arrive, and says when the local app is down', async () => {
    const { hub, r } = setup();
    await waitForScreen(r, 'waiting for requests');
    hub.emit(request(1, { path: '/late', status: 502 }));
    await waitForScreen(r, '/late');
    hub.emit(LOCAL_DOWN);
    await waitForScreen(r, '● local app down');
    hub.emit({ type: 'tunnel', pod: PODS[1], state: 'reconnecting', reason: 'ping timeout' });
    await waitForScreen(r, '● reconnecting');
  });

  it('opens a request with enter: masked headers, body previews and timing; esc goes back', async () => {
    const { r } = setup([...requests(0, 3), DETAILED], { size: { columns: 80, rows: 30 } });
    await waitForScreen(r, '/orders?dry=1');
    await press(r, KEY.up, KEY.enter);
    const detail = await waitForScreen(r, 'request headers');
    expect(detail).toContain('Authorization: [masked]');
    expect(detail).toContain('x-dev: alice');
    // JSON bodies indented.
    expect(detail).toMatch(/\{\n +"item": "book",\n +"qty": 2\n +\}/);
    expect(detail).toContain('"status": "created"');
    expect(detail).toContain('took 1.2s');
    expect(detail).toContain('Set-Cookie: [masked]');
    // Up in the detail opens the previous request.
    await press(r, KEY.up);
    await waitForScreen(r, '/orders/1002');
    await press(r, KEY.escape);
    await waitForScreen(r, (s) => s.includes('PATH') && !s.includes('request headers'));
  });

  it('handles keys that arrive in one chunk (a held arrow while busy) one after the other', async () => {
    const { r } = setup([...requests(0, 3), DETAILED]);
    await waitForScreen(r, '/orders?dry=1');
    await press(r, KEY.up + KEY.up + KEY.enter);
    await waitForScreen(r, 'took 5ms');
    expect(r.screen()).toContain('POST /orders/1002');
  });

  it('p pauses the rows (totals go on), c clears them', async () => {
    const { hub, r } = setup(requests(0, 2));
    await waitForScreen(r, 'intercepted 2');
    await press(r, 'p');
    await waitForScreen(r, 'paused');
    hub.emit(request(50, { path: '/while-paused' }));
    const paused = await waitForScreen(r, 'intercepted 3');
    expect(paused).not.toContain('/while-paused');
    expect(paused).toContain('1 new requests not shown');
    await press(r, 'p');
    hub.emit(request(51, { path: '/after-resume' }));
    await waitForScreen(r, '/after-resume');
    await press(r, 'c');
    const cleared = await waitForScreen(r, 'waiting for requests');
    expect(cleared).toContain('intercepted 4');
  });

  it('/ filters the rows as you type; esc clears the filter', async () => {
    const { r } = setup([request(1, { path: '/users/1' }), request(2, { path: '/orders/2' }), request(3, { path: '/users/3' })]);
    await waitForScreen(r, '/orders/2');
    await press(r, '/', 'u', 's', 'e', 'r');
    let s = await waitForScreen(r, '/user▏');
    expect(s).not.toContain('/orders/2');
    expect(s).toContain('/users/3');
    await press(r, KEY.enter);
    s = await waitForScreen(r, 'filter: user (2 of 3)');
    await press(r, '/', KEY.escape);
    await waitForScreen(r, '/orders/2');
  });

  it('e asks where to write the env file (the default offered, editable, esc cancels), writes there and says so; q and Ctrl-C leave', async () => {
    const onLeave = jest.fn();
    const onWriteEnv = jest.fn(async (path: string) => `wrote 3 variables to ${path}`);
    const { r } = setup([], { onLeave, onWriteEnv });
    await waitForScreen(r, 'waiting for requests');
    await press(r, 'e');
    await waitForScreen(r, 'write the env file to: orders.env▏');
    // Typing is the path's, q included; esc writes nothing.
    await press(r, KEY.escape);
    await waitForScreen(r, (s) => !s.includes('write the env file'));
    await press(r, 'e', KEY.backspace, KEY.backspace, KEY.backspace, 'q', 'x');
    await waitForScreen(r, 'to: orders.qx▏');
    expect(onLeave).not.toHaveBeenCalled();
    await press(r, KEY.enter);
    await waitForScreen(r, 'wrote 3 variables to orders.qx');
    expect(onWriteEnv.mock.calls).toEqual([['orders.qx']]);
    // The next `e` offers the path chosen last.
    await press(r, 'e');
    await waitForScreen(r, 'to: orders.qx▏');
    await press(r, KEY.escape);
    await press(r, 'q');
    await waitUntil(() => onLeave.mock.calls.length === 1, 'q to leave');
    await press(r, KEY.ctrlC);
    await waitUntil(() => onLeave.mock.calls.length === 2, 'Ctrl-C to leave');
  });

  it('reports an env file that cannot be written', async () => {
    const { r } = setup([], { onWriteEnv: async () => Promise.reject(new Error('EACCES: permission denied')) });
    await waitForScreen(r, 'waiting for requests');
    await press(r, 'e', KEY.enter);
    await waitForScreen(r, 'could not write the env file: EACCES');
  });

  it('down from the live tail selects the newest request, as up does', async () => {
    const { r } = setup(requests(0, 3));
    await waitForScreen(r, '/orders/1002');
    await press(r, KEY.down, KEY.enter);
    await waitForScreen(r, (s) => s.includes('request headers') && s.includes('/orders/1002'));
  });

  it('b shows a response body the detail cuts whole, wrapped and scrolled; esc goes back to the detail', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `line ${i + 1} ${'x'.repeat(i === 5 ? 150 : 10)}`).join('\n');
    const { r } = setup([request(1, { id: 'big', path: '/big', responseBody: { text: long, mimeType: 'text/plain', truncated: true }, bytesOut: Buffer.byteLength(long) + 5000 })]);
    await waitForScreen(r, '/big');
    await press(r, KEY.up, KEY.enter);
    let s = await waitForScreen(r, 'response body');
    expect(s).not.toContain('line 60 ');
    await press(r, 'b');
    s = await waitForScreen(r, 'response body of GET /big · lines 1-');
    // The 150 x line is wrapped, not cut: its end is on the next line.
    expect(s).toMatch(/line 6 x+\n +x+/);
    await press(r, ' ', ' ', ' ', ' ', ' ', ' ', ' ');
    s = await waitForScreen(r, 'line 60 xxxxxxxxxx');
    expect(s).toMatch(/… only the first [\d.]+ ?\w+ of [\d.]+ ?\w+ were recorded/);
    await press(r, KEY.up);
    await waitForScreen(r, (t) => !t.includes('were recorded'));
    await press(r, KEY.escape);
    await waitForScreen(r, (t) => t.includes('request headers') && !t.includes('response body of'));
  });

  it('r replays the selected request to the local process: a row marked as a replay, both answers in the detail', async () => {
    const got: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"new bug","at":"local"}');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    try {
      const port = (server.address() as AddressInfo).port;
      const { r } = setup([{ type: 'intercept', state: 'active', info: { ...INFO, localTarget: { host: '127.0.0.1', port } } }, DETAILED], { size: { columns: 100, rows: 40 } });
      await waitForScreen(r, '/orders?dry=1');
      await press(r, KEY.up, 'r');
      await waitForScreen(r, 'replayed POST /orders?dry=1: 500 (was 201)');
      expect(got).toEqual([expect.objectContaining({ method: 'POST', url: '/orders?dry=1', body: '{"item":"book","qty":2}\n' })]);
      expect(got[0].headers).toMatchObject({ host: 'orders.demo', 'x-dev': 'alice', 'content-type': 'application/json' });
      const table = await waitForScreen(r, '↻ replay');
      expect(table).toMatch(/POST +\/orders\?dry=1 +500 .*↻ replay/);
      await press(r, KEY.enter);
      const detail = await waitForScreen(r, 'replayed answer: 500');
      expect(detail).toContain('recorded answer: 201');
      // JSON bodies are indented in the detail.
      expect(detail).toContain('"error": "new bug",');
      expect(detail).toContain('"id": "o-42",');
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });

  it('r says when nothing answers, and the replay row shows the failure', async () => {
    const { r } = setup([{ type: 'intercept', state: 'active', info: { ...INFO, localTarget: { host: '127.0.0.1', port: 1 } } }, DETAILED]);
    await waitForScreen(r, '/orders?dry=1');
    await press(r, KEY.up, 'r');
    await waitForScreen(r, /could not replay POST \/orders\?dry=1: connect ECONNREFUSED/);
    expect(r.screen()).toMatch(/ERR .*↻ replay/);
  });

  it('y shows the request as curl and sends it to the clipboard with OSC 52', async () => {
    const written: string[] = [];
    const { r } = setup([DETAILED], { writeTerminal: (d) => written.push(d), size: { columns: 120, rows: 30 } });
    await waitForScreen(r, '/orders?dry=1');
    await press(r, KEY.up, 'y');
    const s = await waitForScreen(r, 'copied to the clipboard (OSC 52); credentials are masked');
    const line = "curl -sS -i -X POST 'http://127.0.0.1:8080/orders?dry=1' -H 'Host: orders.demo' -H 'Authorization: [masked]' -H 'x-dev: alice' -H 'Content-Type: application/json' --data-binary '{\"item\":\"book\",\"qty\":2}\n'";
    expect(s.replace(/\s*\n\s*/g, ' ')).toContain(line.replace('\n', ' '));
    expect(written).toEqual([`\x1b]52;c;${Buffer.from(line).toString('base64')}\x07`]);
    await press(r, KEY.escape);
    await waitForScreen(r, 'p pause');
  });

  it('w writes the listed requests as HAR, filter included, and says where', async () => {
    const onWriteHar = jest.fn(async (rows: TrafficRow[]) => `wrote ${rows.length} requests to /tmp/x.har`);
    const { r } = setup([request(1, { status: 200 }), request(2, { status: 503 }), request(3, { status: 502, method: 'POST' })], { onWriteHar });
    await waitForScreen(r, '/orders/1003');
    await press(r, '/', 's', 't', 'a', 't', 'u', 's', ':', '5', 'x', 'x', KEY.enter);
    await waitForScreen(r, 'filter: status:5xx (2 of 3)');
    await press(r, 'w');
    await waitForScreen(r, 'wrote 2 requests to /tmp/x.har');
    expect(onWriteHar.mock.calls[0][0].map((e) => e.id)).toEqual(['r2', 'r3']);
    await press(r, '/', KEY.escape, '/', ...'method:post'.split(''), KEY.enter);
    await waitForScreen(r, 'filter: method:post (2 of 3)');
  });

  it('shows p50 and p95 latency in the totals', async () => {
    const { r } = setup(Array.from({ length: 20 }, (_, i) => request(i, { durationMs: i + 1 })));
    await waitForScreen(r, 'p50 10ms p95 19ms');
  });

  it('fits a wide terminal and a small one', async () => {
    const wide = setup(requests(0, 5), { size: { columns: 100, rows: 12 } }).r;
    const s = await waitForScreen(wide, 'intercepted 5');
    expect(s.split('\n').length).toBeLessThanOrEqual(12);
    expect(s).toContain(PODS[1]);
  });
});
