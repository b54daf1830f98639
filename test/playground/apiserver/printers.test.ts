// The pod Status column and ages as kubectl's printers compute them, case by case.
import { describe, expect, it } from '@jest/globals';
import { podStatusReason } from '../../../plugin/playground/apiserver/printers-core.js';
import { humanDuration } from '../../../plugin/playground/apiserver/printers-common.js';
import { formatLabelSelector } from '../../../plugin/playground/apiserver/printers-workloads.js';

type Obj = Record<string, unknown>;

function pod(status: Obj, spec: Obj = {}, metadata: Obj = {}): Obj {
  return { metadata: { name: 'p', ...metadata }, spec: { containers: [{ name: 'app' }], ...spec }, status };
}

const running = { running: { startedAt: '2026-01-01T00:00:00Z' } };

describe('podStatusReason', () => {
  const cases: [string, Obj, string, string][] = [
    ['pending without statuses', pod({ phase: 'Pending' }), 'Pending', '0/1'],
    ['running and ready', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }] }), 'Running', '1/1'],
    ['image pull back-off', pod({ phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] }), 'ImagePullBackOff', '0/1'],
    ['crash loop', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }), 'CrashLoopBackOff', '0/1'],
    ['terminated without reason', pod({ phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }] }), 'ExitCode:3', '0/1'],
    ['completed', pod({ phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }), 'Completed', '0/1'],
    ['init container running', pod({ phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: running }] }, { initContainers: [{ name: 'init' }] }), 'Init:0/1', '0/1'],
    ['init container pull error', pod({ phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull' } } }] }, { initContainers: [{ name: 'init' }] }), 'Init:ErrImagePull', '0/1'],
    ['being deleted', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }] }, {}, { deletionTimestamp: '2026-01-01T00:00:00Z' }), 'Terminating', '1/1'],
    ['deleted after finishing', pod({ phase: 'Succeeded' }, {}, { deletionTimestamp: '2026-01-01T00:00:00Z' }), 'Succeeded', '0/1'],
  ];
  it.each(cases)('%s', (_name, p, reason, ready) => {
    const s = podStatusReason(p);
    expect(s.reason).toBe(reason);
    expect(`${s.ready}/${s.total}`).toBe(ready);
  });

  it('counts restarts and remembers the last one', () => {
    const s = podStatusReason(pod({ phase: 'Running', containerStatuses: [{
      name: 'app', ready: true, restartCount: 2, state: running, lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-01T00:00:00Z' } },
    }] }));
    expect(s.restarts).toBe(2);
    expect(s.lastRestart).toBe('2026-01-01T00:00:00Z');
  });
});

describe('humanDuration', () => {
  it.each([[5, '5s'], [119, '119s'], [150, '2m30s'], [600, '10m'], [3 * 3600 + 60, '3h1m'], [30 * 3600, '30h'], [3 * 86400 + 3600, '3d1h'], [40 * 86400, '40d']])(
    '%d s -> %s', (seconds, text) => expect(humanDuration(seconds)).toBe(text));
});

describe('formatLabelSelector', () => {
  it('prints match labels sorted, then expressions', () => {
    expect(formatLabelSelector({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['y', 'x'] }, { key: 'gone', operator: 'DoesNotExist' }] }))
      .toBe('a=1,b=2,tier in (x,y),!gone');
    expect(formatLabelSelector(undefined)).toBe('<none>');
  });
});
