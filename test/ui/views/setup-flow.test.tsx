import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { cleanup } from 'ink-testing-library';
import { clusterError } from '../../../plugin/errors.js';
import { App } from '../../../ui/app.js';
import type { SetupChoice } from '../../../ui/render/setup.js';
import type { SetupOptions } from '../../../ui/views/SetupFlow.js';
import { FakeSession } from '../fixtures/fake-session.js';
import { WORKLOADS } from '../fixtures/workloads.js';
import { KEY, press, renderTui, SIZE_80x24, sleep, waitForScreen, waitUntil } from '../render-helper.js';
import { stripAnsi } from '../wait.js';

const HEADER = { context: 'playground', server: 'https://127.0.0.1:39999', namespace: 'demo', user: 'alice' };

afterEach(cleanup);

function mount(setup: Partial<SetupOptions> = {}) {
  const chosen: SetupChoice[] = [];
  const session = new FakeSession();
  const onExit = jest.fn<(code: number, message?: string) => void>();
  const options: SetupOptions = {
    listWorkloads: async () => WORKLOADS,
    listNamespaces: async () => ['demo'],
    createSession: (c) => {
      chosen.push(c);
      return session;
    },
    probePort: async (port) => port === 3000,
    ...setup,
  };
  const r = renderTui(<App setup={options} header={HEADER} envFile="x.env" onExit={onExit} size={SIZE_80x24} engine={{ intervalMs: 20 }} />);
  return { r, chosen, session, onExit };
}

describe('setup screens', () => {
  it('picks a workload, a port, a match and confirms the plan, then holds the intercept', async () => {
    const { r, chosen, session } = mount();
    let s = await waitForScreen(r, 'deploy/orders');
    expect(s).toContain('sts/db');
    expect(s).toContain('no Service selects its pods');
    expect(s).toContain('agent installed');
    // Type to filter, then pick.
    await press(r, 'o', 'r', 'd');
    s = await waitForScreen(r, 'filter: ord');
    expect(s).not.toContain('deploy/users');
    await press(r, KEY.enter);
    // Port: prefilled with the app's port; nothing listens there in this test.
    s = await waitForScreen(r, 'local port: 8080');
    expect(s).toContain('orders:80 (http) → orders:8080');
    await waitForScreen(r, 'nothing listens on 127.0.0.1:8080');
    await press(r, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, '3', '0', '0', '0');
    await waitForScreen(r, 'something listens on 127.0.0.1:3000');
    await press(r, KEY.enter);
    // Match: a bad regex is flagged as you type, and blocks Enter.
    await waitForScreen(r, 'Which requests to intercept');
    await press(r, KEY.down, KEY.tab, KEY.tab, '/', '(', 'v');
    s = await waitForScreen(r, 'invalid regular expression for the path');
    await press(r, KEY.enter);
    expect(r.screen()).toContain('Which requests to intercept');
    // Two backspaces in one chunk (a held key) both delete.
    await press(r, KEY.backspace + KEY.backspace, KEY.tab);
    await waitForScreen(r, 'path (prefix');
    await press(r, 'a', 'p', 'i', KEY.up, 'x', '-', 'd', 'e', 'v', '=', 'a', 'l');
    await waitForScreen(r, 'intercepts requests with x-dev=al, path prefix /api');
    await press(r, KEY.enter);
    s = await waitForScreen(r, 'This will change the cluster');
    expect(s).toContain('add the traffic agent container to deploy/orders');
    expect(s).toContain('127.0.0.1:3000');
    await press(r, KEY.enter);
    await waitForScreen(r, '● healthy');
    expect(chosen).toHaveLength(1);
    expect(chosen[0]).toMatchObject({ ports: [{ localPort: 3000 }], match: { headers: [{ name: 'x-dev', value: 'al' }], path: { kind: 'prefix', value: '/api' } } });
    expect(chosen[0].workload.name).toBe('orders');
    expect(session.started).toBe(1);
  });

  it('tab chooses the namespace to list: all of them, another, or one typed', async () => {
    const other = { ...WORKLOADS[0], namespace: 'shop', name: 'cart' };
    const asked: (string | undefined)[] = [];
    const { r, chosen } = mount({
      listWorkloads: async (namespace) => {
        asked.push(namespace);
        return namespace === undefined ? [...WORKLOADS, other] : namespace === 'shop' ? [other] : namespace === 'demo' ? WORKLOADS : [];
      },
      listNamespaces: async () => ['demo', 'shop'],
    });
    await waitForScreen(r, 'deploy/orders');
    await press(r, KEY.tab);
    await waitForScreen(r, 'Namespace to list');
    // The namespaces are listed after the chooser opens.
    let s = await waitForScreen(r, 'demo (now)');
    expect(s).toContain('›(all namespaces)');
    await press(r, KEY.enter);
    s = await waitForScreen(r, 'shop/deploy/cart');
    expect(s).toContain('(all namespaces)');
    expect(s).toContain('ns all');
    expect(s).toContain('demo/deploy/orders');
    await press(r, 's', 'h', 'o', 'p', KEY.enter);
    await waitForScreen(r, 'Port of deploy/cart');
    await press(r, KEY.escape);
    await waitForScreen(r, 'Pick a workload');
    // Another namespace by typing its name: the list and the header follow.
    const framesBefore = r.frames.length;
    await press(r, KEY.escape, KEY.tab, 's', 'h', KEY.enter);
    s = await waitForScreen(r, (x) => x.includes('in shop') && x.includes('deploy/cart'));
    expect(s).toContain('ns shop');
    expect(s).not.toContain('deploy/orders');
    // The wider list never shows under the namespace's title, not even for a frame.
    const stale = r.frames.slice(framesBefore).map(stripAnsi).filter((f) => f.includes('in shop') && f.includes('deploy/orders'));
    expect(stale).toEqual([]);
    // A namespace that cannot be listed is taken as typed.
    await press(r, KEY.tab, 'q', 'a', KEY.enter);
    await waitForScreen(r, 'no Deployments, StatefulSets or ReplicaSets here');
    expect(r.screen()).toContain('ns qa');
    expect(asked).toEqual(['demo', undefined, 'shop', 'qa']);
    expect(chosen).toHaveLength(0);
  });

  it('sends keys typed right after a screen change to the new screen', async () => {
    const { r } = mount();
    await waitForScreen(r, 'deploy/orders');
    await sleep(40);
    // Keys as separate terminal reads with no pause: Enter shows the port step, the rest land there.
    for (const k of ['o', 'r', 'd', KEY.enter, KEY.backspace, '1']) {
      r.stdin.write(k);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitForScreen(r, 'local port: 8081▏');
  });

  it('takes a port typed fast or pasted, which arrives as one input', async () => {
    const { r } = mount();
    await waitForScreen(r, 'deploy/orders');
    await press(r, KEY.enter);
    await waitForScreen(r, 'local port: 8080');
    await press(r, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
    r.stdin.write('38126');
    await waitForScreen(r, 'local port: 38126▏');
  });

  it('refuses a workload that cannot be intercepted, saying why', async () => {
    const { r, chosen } = mount();
    await waitForScreen(r, 'sts/db');
    await press(r, 'd', 'b', KEY.enter);
    await waitForScreen(r, 'db cannot be intercepted: no Service selects its pods');
    expect(chosen).toHaveLength(0);
  });

  it('skips the picker for a workload named by a flag, and esc goes back to it', async () => {
    const { r } = mount({ prefill: { workload: { name: 'users' } } });
    const s = await waitForScreen(r, 'Port of deploy/users');
    expect(s).toContain('users:9090 (metrics) → users:9090');
    await press(r, KEY.escape);
    await waitForScreen(r, 'Pick a workload');
  });

  it('comes straight to the plan for a workload with one port and a match from the flags', async () => {
    const { r, chosen } = mount({ prefill: { workload: { kind: 'Deployment', name: 'orders' }, match: { headers: [{ name: 'x-dev', value: 'me' }] } } });
    let s = await waitForScreen(r, 'This will change the cluster');
    expect(s).toContain('requests with x-dev=me');
    expect(s).toMatch(/→\s+127\.0\.0\.1:8080/);
    // The port step was skipped, so the plan is where the local port is checked.
    await waitForScreen(r, 'nothing listens on 127.0.0.1:8080 yet');
    // Esc shows the skipped steps with what the flags said.
    await press(r, KEY.escape);
    s = await waitForScreen(r, 'Which requests to intercept');
    expect(s).toContain('headers: x-dev=me');
    await press(r, KEY.escape);
    await waitForScreen(r, 'local port: 8080');
    await press(r, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, '3', '0', '0', '0', KEY.enter);
    // The match is still the flags' one: the port step goes on to the plan.
    await waitForScreen(r, 'something listens on 127.0.0.1:3000');
    expect(r.screen()).toContain('This will change the cluster');
    await press(r, KEY.enter);
    await waitForScreen(r, '● healthy');
    expect(chosen).toEqual([expect.objectContaining({ ports: [expect.objectContaining({ localPort: 3000 })], match: { headers: [{ name: 'x-dev', value: 'me' }] } })]);
  });

  it('h on the plan turns recording to a HAR file on and off; --har starts with it on', async () => {
    let { r, chosen } = mount({ prefill: { workload: { kind: 'Deployment', name: 'orders' }, match: {} } });
    await waitForScreen(r, 'h record to a HAR file');
    await press(r, 'h');
    const s = await waitForScreen(r, 'recorded in orders.har (HAR, mode 0600)');
    expect(s).toContain('h do not record');
    await press(r, 'h');
    await waitForScreen(r, 'h record to a HAR file');
    expect(r.screen()).not.toContain('orders.har');
    await press(r, 'h', KEY.enter);
    await waitForScreen(r, '● healthy');
    expect(chosen[0].harFile).toBe('orders.har');
    cleanup();
    ({ r, chosen } = mount({ prefill: { workload: { kind: 'Deployment', name: 'orders' }, match: {}, har: '/tmp/x.har' } }));
    await waitForScreen(r, 'recorded in /tmp/x.har');
    await press(r, 'h', KEY.enter);
    await waitForScreen(r, '● healthy');
    expect(chosen[0].harFile).toBeUndefined();
  });

  it('asks for the match when no match flag was given, and for the port when there are several', async () => {
    let { r } = mount({ prefill: { workload: { name: 'orders' } } });
    await waitForScreen(r, 'Which requests to intercept');
    cleanup();
    ({ r } = mount({ prefill: { workload: { name: 'users' }, match: {} } }));
    const s = await waitForScreen(r, 'Port of deploy/users');
    expect(s).toContain('users:9090 (metrics)');
    await press(r, KEY.enter);
    // An empty match from the flags (--http-match=all) is a choice: global, straight to the plan.
    await waitForScreen(r, 'This will change the cluster');
    expect(r.screen()).toContain('every request to the port (a global intercept');
  });

  it('picks several ports with space, each with its own local port, and the plan shows them all', async () => {
    const { r, chosen } = mount({ prefill: { workload: { name: 'users' }, match: { headers: [{ name: 'x-dev', value: 'me' }] } } });
    await waitForScreen(r, 'Port of deploy/users to intercept (space picks several)');
    await press(r, ' ', KEY.down, ' ');
    let s = await waitForScreen(r, '[x] users:9090 (metrics) → users:9090 · local 9090');
    expect(s).toContain('[x] users:80 → users:3000 · local 3000');
    // Two to one local port are refused on the spot.
    await press(r, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, '3', '0', '0', '0', KEY.enter);
    await waitForScreen(r, 'two ports go to local port 3000: give each its own');
    expect(r.screen()).toContain('Port of deploy/users');
    await press(r, KEY.backspace, '1', KEY.enter);
    s = await waitForScreen(r, 'This will change the cluster');
    expect(s).toContain('Service users port 80: targetPort 3000');
    expect(s).toContain('Service users port 9090: targetPort 9090');
    expect(s).toMatch(/port 80 →\s+127\.0\.0\.1:3000, 9090 →\s+127\.0\.0\.1:3001/);
    expect(s).toContain('the match applies to HTTP: raw TCP');
    await press(r, KEY.enter);
    await waitForScreen(r, '● healthy');
    expect(chosen[0].ports.map((p) => [p.port.port, p.localPort])).toEqual([[80, 3000], [9090, 3001]]);
  });

  it('says when --service names no port of the workload, and offers them all', async () => {
    const { r } = mount({ prefill: { workload: { name: 'orders' }, service: 'nope', match: {} } });
    const s = await waitForScreen(r, 'orders has no port of Service "nope": choose one of these');
    expect(s).toContain('orders:80 (http)');
  });

  it('shows a named workload that cannot be intercepted in the picker, with why', async () => {
    const { r, chosen } = mount({ prefill: { workload: { name: 'db' } } });
    const s = await waitForScreen(r, 'no Service selects its pods');
    expect(s).toContain('filter: db');
    expect(s).not.toContain('deploy/orders');
    expect(chosen).toHaveLength(0);
  });

  it('shows why workloads cannot be listed, and esc quits without changing anything', async () => {
    const { r, onExit } = mount({ listWorkloads: async () => Promise.reject(clusterError('namespaces "nope" not found', 'check the namespace')) });
    await waitForScreen(r, 'namespaces "nope" not found: check the namespace');
    await press(r, KEY.escape);
    await waitUntil(() => onExit.mock.calls.length === 1, 'the exit');
    expect(onExit).toHaveBeenCalledWith(130, 'cancelled: nothing was changed\n');
  });
});
