import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from './fixtures/events.js';
import { FakeSession } from './fixtures/fake-session.js';
import { FakeTtyIn, FakeTtyOut } from './tty-streams.js';
import { stripAnsi, waitUntil } from './wait.js';

// runTui only ever runs on a real terminal outside CI (the CLI checks canRunTui first), and Ink
// decides at load time to print only the last frame when CI is set. These tests stand in for that
// terminal, so Ink is loaded with CI unset, as it is for a user.
const savedCI = process.env.CI;
let runTuiModule: typeof import('../../ui/run-tui.js');
beforeAll(async () => {
  delete process.env.CI;
  runTuiModule = await import('../../ui/run-tui.js');
});
afterAll(() => {
  if (savedCI !== undefined) process.env.CI = savedCI;
});
const runTui: typeof runTuiModule.runTui = (opts) => runTuiModule.runTui(opts);
const canRunTui: typeof runTuiModule.canRunTui = (...args) => runTuiModule.canRunTui(...args);

const HEADER = { context: 'playground', server: 'https://127.0.0.1:39999', namespace: 'demo', user: 'alice' };

function start(session: FakeSession, signals: NodeJS.Signals[] = []) {
  const stdout = new FakeTtyOut();
  const stderr = new FakeTtyOut();
  const stdin = new FakeTtyIn();
  const done = runTui({
    session, header: HEADER, envFile: '/nonexistent/orders.env', signals, catchCrashes: false, engine: { intervalMs: 20 },
    stdout: stdout as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream,
  });
  return { stdout, stderr, stdin, done };
}

const running: Promise<unknown>[] = [];
afterEach(async () => {
  await Promise.allSettled(running.splice(0));
});

describe('canRunTui', () => {
  it.each([
    [true, true, {}, true],
    [true, false, {}, false],
    [false, true, {}, false],
    [true, true, { CI: 'true' }, false],
    [true, true, { CI: '1' }, false],
    [true, true, { TERM: 'dumb' }, false],
    [true, true, { TERM: 'xterm-256color' }, true],
  ])('stdin TTY %p, stdout TTY %p, env %p: %p', (inTty, outTty, env, yes) => {
    expect(canRunTui({ isTTY: inTty }, { isTTY: outTty }, env)).toBe(yes);
  });
});

describe('runTui', () => {
  it('runs in the alternate screen, leaves on q and gives the terminal back', async () => {
    const session = new FakeSession();
    const t = start(session);
    running.push(t.done);
    await waitUntil(() => stripAnsi(t.stdout.text()).includes('● healthy'), 'the traffic view');
    expect(t.stdout.text().startsWith(runTuiModule.ENTER_ALT_SCREEN)).toBe(true);
    t.stdin.write('q');
    expect(await t.done).toBe(0);
    expect(session.left).toBe(1);
    expect(t.stdout.text().endsWith(runTuiModule.LEAVE_ALT_SCREEN)).toBe(true);
    expect(t.stderr.text()).toContain('left intercept orders-alice');
  });

  it('follows a terminal resize', async () => {
    const t = start(new FakeSession());
    running.push(t.done);
    await waitUntil(() => stripAnsi(t.stdout.text()).includes('● healthy'), 'the traffic view');
    const before = t.stdout.chunks.length;
    t.stdout.resize(120, 30);
    await waitUntil(() => t.stdout.chunks.slice(before).some((c) => stripAnsi(c).includes('https://127.0.0.1:39999')), 'a frame wide enough for the server');
    t.stdin.write('q');
    expect(await t.done).toBe(0);
  });

  it('leaves and restores the terminal on a signal', async () => {
    const session = new FakeSession();
    const listeners = process.listenerCount('SIGUSR2');
    const t = start(session, ['SIGUSR2']);
    running.push(t.done);
    await waitUntil(() => stripAnsi(t.stdout.text()).includes('● healthy'), 'the traffic view');
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(await t.done).toBe(143);
    expect(session.left).toBe(1);
    expect(t.stdout.text().endsWith(runTuiModule.LEAVE_ALT_SCREEN)).toBe(true);
    expect(process.listenerCount('SIGUSR2')).toBe(listeners);
  });

  it('ends the setup screens on a signal, and a UI whose terminal went away', async () => {
    const setupRun = (signals: NodeJS.Signals[]) => {
      const stdout = new FakeTtyOut();
      const stdin = new FakeTtyIn();
      const done = runTui({
        header: HEADER, envFile: '/nonexistent/x.env', signals, catchCrashes: false,
        setup: { listWorkloads: async () => [], listNamespaces: async () => [], createSession: () => new FakeSession(), probePort: async () => false },
        stdout: stdout as unknown as NodeJS.WriteStream, stderr: new FakeTtyOut() as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream,
      });
      return { stdout, stdin, done };
    };
    const signalled = setupRun(['SIGUSR2']);
    running.push(signalled.done);
    await waitUntil(() => stripAnsi(signalled.stdout.text()).includes('Pick a workload'), 'the picker');
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(await signalled.done).toBe(143);
    expect(signalled.stdout.text().endsWith(runTuiModule.LEAVE_ALT_SCREEN)).toBe(true);

    const hungUp = setupRun([]);
    running.push(hungUp.done);
    await waitUntil(() => stripAnsi(hungUp.stdout.text()).includes('Pick a workload'), 'the picker');
    hungUp.stdin.emit('end');
    expect(await hungUp.done).toBe(129);
  });

  it('leaves once and ends when the terminal goes away under the traffic view', async () => {
    const session = new FakeSession();
    const t = start(session);
    running.push(t.done);
    await waitUntil(() => stripAnsi(t.stdout.text()).includes('● healthy'), 'the traffic view');
    // A closed window fails every write, to stdout and stderr alike, while the UI keeps drawing.
    t.stdout.gone = true;
    t.stderr.gone = true;
    session.emit([request(1)]);
    expect(await t.done).toBe(129);
    expect(session.left).toBe(1);
  });

  it('leaves the intercept and restores the terminal when rendering crashes', async () => {
    const session = new FakeSession();
    const t = start(session);
    running.push(t.done.catch(() => undefined));
    await waitUntil(() => stripAnsi(t.stdout.text()).includes('● healthy'), 'the traffic view');
    // A record the view cannot render (no pod name) stands in for any bug in a component.
    session.emit([request(1, { pod: undefined as unknown as string })]);
    await expect(t.done).rejects.toThrow();
    expect(session.left).toBe(1);
    expect(t.stdout.text().endsWith(runTuiModule.LEAVE_ALT_SCREEN)).toBe(true);
    expect(t.stderr.text()).toContain('the terminal UI crashed');
  });

  it('prints the failure on the normal screen after a failed start', async () => {
    const { clusterError } = await import('../../plugin/errors.js');
    const session = new FakeSession({ startError: clusterError('no pod of the workload had a ready agent', 'check the pods with kubectl get pods') });
    const t = start(session);
    running.push(t.done);
    await waitUntil(() => stripAnsi(t.stdout.text()).includes('check the pods'), 'the error panel');
    t.stdin.write('q');
    expect(await t.done).toBe(4);
    expect(t.stderr.text()).toBe('error: no pod of the workload had a ready agent\n  check the pods with kubectl get pods\n');
  });
});
