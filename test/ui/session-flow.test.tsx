import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { clusterError } from '../../plugin/errors.js';
import { SessionFlow as App } from '../../ui/session-flow.js';
import type { HarLog } from '../../plugin/har/types.js';
import { harProblems } from '../har/har-schema.js';
import { DETAILED, FAILED_START, requests, START } from './fixtures/events.js';
import { FakeSession } from './fixtures/fake-session.js';
import { KEY, press, renderTui, SIZE_80x24, waitForScreen, waitUntil } from './render-helper.js';

const HEADER = { context: 'playground', server: 'https://127.0.0.1:39999', namespace: 'demo', user: 'alice' };
const dirs: string[] = [];

afterEach(async () => {
  cleanup();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function mount(session: FakeSession, extra: { envFile?: string; leaveSignal?: AbortSignal; harDir?: string } = {}) {
  const onExit = jest.fn<(code: number, message?: string) => void>();
  const r = renderTui(<App session={session} header={HEADER} envFile={extra.envFile ?? '/nonexistent/x.env'} onExit={onExit} leaveSignal={extra.leaveSignal} size={SIZE_80x24} engine={{ intervalMs: 20 }} harDir={extra.harDir} />);
  return { r, onExit };
}

describe('App', () => {
  it('starts the session, shows traffic, and on q shows the restore and exits 0', async () => {
    let finishLeave!: () => void;
    const session = new FakeSession({ holdLeave: new Promise<void>((r) => (finishLeave = r)) });
    const { r, onExit } = mount(session);
    await waitForScreen(r, '● healthy');
    expect(session.started).toBe(1);
    session.emit(requests(0, 3));
    await waitForScreen(r, 'intercepted 3');
    await press(r, 'q');
    const leaving = await waitForScreen(r, 'removed the agent from deployment orders');
    expect(leaving).toContain('Leaving: restoring the workload');
    expect(leaving).toMatch(/roll out: deployment "orders" successfully rolled out \(2 of 2 ready\)/);
    expect(onExit).not.toHaveBeenCalled();
    finishLeave();
    await waitUntil(() => onExit.mock.calls.length === 1, 'the exit');
    expect(onExit).toHaveBeenCalledWith(0, 'left intercept orders-alice\n');
    expect(session.left).toBe(1);
  });

  it('writes the env file with e (dotenv, owner-only)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tui-env-'));
    dirs.push(dir);
    const envFile = join(dir, 'orders.env');
    const session = new FakeSession({ env: { DATABASE_URL: 'postgres://u:p@db/orders', MODE: 'dev mode' } });
    const { r } = mount(session, { envFile });
    await waitForScreen(r, '● healthy');
    await press(r, 'e');
    await waitForScreen(r, `to: ${envFile}▏`);
    await press(r, KEY.enter);
    await waitForScreen(r, `wrote 2 variables to ${envFile}`);
    expect(await readFile(envFile, 'utf8')).toBe("DATABASE_URL=postgres://u:p@db/orders\nMODE='dev mode'\n");
    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
  });

  it('writes the listed requests as a HAR file with w (HAR 1.2, owner-only, masked) and says where', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tui-har-'));
    dirs.push(dir);
    const session = new FakeSession({ start: [...START, ...requests(0, 3), DETAILED] });
    const { r } = mount(session, { harDir: dir });
    await waitForScreen(r, '/orders?dry=1');
    await press(r, 'w');
    const s = await waitForScreen(r, /wrote 4 requests to \S+\.har \(credenti/);
    const path = /wrote 4 requests to (\S+\.har)/.exec(s.replace(/\n/g, ''))![1];
    expect(path.startsWith(join(dir, 'intercept-'))).toBe(true);
    const har = JSON.parse(await readFile(path, 'utf8')) as HarLog;
    expect(harProblems(har)).toEqual([]);
    expect(har.log._localTarget).toBe('127.0.0.1:8080');
    expect(har.log.entries.map((e) => e.request.url)).toEqual(['http://localhost/orders/1000', 'http://localhost/orders/1001', 'http://localhost/orders/1002', 'http://orders.demo/orders?dry=1']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('shows a failed start as an error panel and exits with its category code', async () => {
    const session = new FakeSession({ start: FAILED_START, startError: clusterError('the rollout of deployment orders failed: ImagePullBackOff', 'this intercept left nothing behind in the cluster') });
    const { r, onExit } = mount(session);
    const s = await waitForScreen(r, 'left nothing behind');
    expect(s).toContain('The intercept failed');
    expect(s).toContain('ImagePullBackOff');
    await press(r, 'q');
    await waitUntil(() => onExit.mock.calls.length === 1, 'the exit');
    expect(onExit).toHaveBeenCalledWith(4, 'error: the rollout of deployment orders failed: ImagePullBackOff\n  this intercept left nothing behind in the cluster\n');
    expect(session.left).toBe(0);
  });

  it('Ctrl-C while starting leaves at once (the session cuts its start short) and exits 130', async () => {
    let finishLeave!: () => void;
    // A start that would never finish on its own: a rollout that cannot progress, say.
    const session = new FakeSession({ holdStart: new Promise<void>(() => undefined), holdLeave: new Promise<void>((r) => (finishLeave = r)) });
    const { r, onExit } = mount(session);
    await waitForScreen(r, 'Starting the intercept');
    await press(r, KEY.ctrlC);
    await waitForScreen(r, 'Leaving');
    expect(session.left).toBe(1);
    expect(onExit).not.toHaveBeenCalled();
    finishLeave();
    await waitUntil(() => onExit.mock.calls.length === 1, 'the exit');
    expect(onExit.mock.calls[0][0]).toBe(130);
  });

  it('leaves when the intercept is ended elsewhere, or on a signal', async () => {
    const ended = new FakeSession();
    const a = mount(ended);
    await waitForScreen(a.r, '● healthy');
    ended.endElsewhere('the intercept was ended elsewhere (its Lease was deleted)');
    await waitUntil(() => a.onExit.mock.calls.length === 1, 'the exit');
    expect(ended.left).toBe(1);
    expect(a.onExit).toHaveBeenCalledWith(0, 'the intercept was ended elsewhere (its Lease was deleted); left intercept orders-alice\n');
    cleanup();

    const signalled = new FakeSession();
    const controller = new AbortController();
    const b = mount(signalled, { leaveSignal: controller.signal });
    await waitForScreen(b.r, '● healthy');
    controller.abort('SIGTERM');
    await waitUntil(() => b.onExit.mock.calls.length === 1, 'the exit');
    expect(b.onExit.mock.calls[0][0]).toBe(143);
    expect(signalled.left).toBe(1);
  });
});
