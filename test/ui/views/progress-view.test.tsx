import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { cleanup } from 'ink-testing-library';
import { foldProgress, initialProgress, withFailure } from '../../../ui/state/progress.js';
import { ProgressView } from '../../../ui/views/ProgressView.js';
import { FAILED_START, START } from '../fixtures/events.js';
import { KEY, press, renderTui, SIZE_80x24, waitForScreen, waitUntil } from '../render-helper.js';

const HEADER = { context: 'playground', server: 'https://127.0.0.1:39999', namespace: 'demo', user: 'alice' };

afterEach(cleanup);

describe('ProgressView', () => {
  it('shows each step with its state and the rollout as n of m ready', async () => {
    const progress = foldProgress(initialProgress(), START.slice(0, 5));
    const r = renderTui(<ProgressView progress={progress} header={HEADER} size={SIZE_80x24} title="Starting the intercept…" quitLabel="cancel" onQuit={() => undefined} />);
    const s = await waitForScreen(r, 'Starting the intercept');
    expect(s).toContain('✓ install the agent: installing the agent in deployment orders');
    expect(s).toMatch(/… roll out: Waiting for deployment "orders" rollout.*/);
    expect(s).toContain('ctx playground');
    expect(s.trimEnd().split('\n').pop()).toContain('q cancel');
    const done = foldProgress(initialProgress(), START);
    r.rerender(<ProgressView progress={done} header={HEADER} size={SIZE_80x24} title="Starting the intercept…" quitLabel="cancel" onQuit={() => undefined} />);
    await waitForScreen(r, '✓ open tunnels');
  });

  it('shows the rollout count when the message does not fit', async () => {
    const progress = foldProgress(initialProgress(), [{ type: 'progress', step: 'rollout', message: 'waiting', ready: 1, total: 3 }]);
    const r = renderTui(<ProgressView progress={progress} header={HEADER} size={SIZE_80x24} title="t" quitLabel="cancel" onQuit={() => undefined} />);
    await waitForScreen(r, 'roll out: waiting (1 of 3 ready)');
  });

  it('shows a failure as a panel with the message and what to do; q or enter exits', async () => {
    const onQuit = jest.fn();
    const progress = withFailure(foldProgress(initialProgress(), FAILED_START), {
      message: 'the rollout of deployment orders failed: ImagePullBackOff',
      hint: 'this intercept left nothing behind in the cluster',
    });
    const r = renderTui(<ProgressView progress={progress} header={HEADER} size={SIZE_80x24} title="The intercept failed" quitLabel="exit" onQuit={onQuit} />);
    const s = await waitForScreen(r, 'error');
    expect(s).toContain('✗ roll out');
    expect(s).toContain('ImagePullBackOff');
    expect(s).toContain('this intercept left nothing behind in the cluster');
    await press(r, KEY.enter);
    await waitUntil(() => onQuit.mock.calls.length === 1, 'enter to exit');
    await press(r, 'q');
    await waitUntil(() => onQuit.mock.calls.length === 2, 'q to exit');
  });
});
