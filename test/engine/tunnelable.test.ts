import { describe, expect, it } from '@jest/globals';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { notTunnelableReason, tunnelable } from '../../plugin/engine/tunnelable.js';

function pod(agent: Partial<V1ContainerStatus> | undefined, extra: { phase?: string; deleting?: boolean } = {}): V1Pod {
  return {
    metadata: { name: 'p', ...(extra.deleting ? { deletionTimestamp: new Date() } : {}) },
    status: { phase: extra.phase ?? 'Running', containerStatuses: agent ? [{ name: 'intercept-agent', image: 'node', imageID: '', ready: false, restartCount: 0, ...agent }] : [] },
  };
}

describe('notTunnelableReason', () => {
  it.each<[string, V1Pod | undefined, string]>([
    ['gone', undefined, 'the pod is gone'],
    ['deleting', pod({ ready: true }, { deleting: true }), 'the pod is being deleted'],
    ['pending', pod({}, { phase: 'Pending' }), 'the pod is Pending'],
    ['no agent', pod(undefined), 'the pod has no agent container'],
    ['killed, restarted', pod({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 137, reason: 'Error' } } }), 'the agent container stopped (exit code 137) and was restarted; waiting for it to be ready'],
    ['OOM, backing off', pod({ restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }), 'the agent container is waiting: CrashLoopBackOff; it stopped (OOMKilled, exit code 137)'],
    ['stopped', pod({ state: { terminated: { exitCode: 1, reason: 'Error' } } }), 'the agent container stopped (exit code 1)'],
    ['probe failing', pod({ state: { running: {} } }), 'the agent container is not ready'],
  ])('%s', (_, p, text) => {
    expect(notTunnelableReason(p)).toBe(text);
    if (p) expect(tunnelable(p)).toBe(false);
  });

  it('takes a running pod with a ready agent', () => {
    expect(tunnelable(pod({ ready: true, state: { running: {} } }))).toBe(true);
  });
});
