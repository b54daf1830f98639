import { describe, expect, it } from '@jest/globals';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { agentReady, notTunnelableReason, tunnelable } from '../../plugin/engine/tunnelable.js';

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
    ['killed, restarted', pod({ restartCount: 1, started: false, state: { running: {} }, lastState: { terminated: { exitCode: 137, reason: 'Error' } } }), 'the agent container stopped (exit code 137) and was restarted; waiting for it to start'],
    ['OOM, backing off', pod({ restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }), 'the agent container is waiting: CrashLoopBackOff; it stopped (OOMKilled, exit code 137)'],
    ['stopped', pod({ state: { terminated: { exitCode: 1, reason: 'Error' } } }), 'the agent container stopped (exit code 1)'],
    ['startup probe failing', pod({ started: false, state: { running: {} } }), 'the agent container has not started'],
    ['an old server without started, not ready', pod({ state: { running: {} } }), 'the agent container has not started'],
  ])('%s', (_, p, text) => {
    expect(notTunnelableReason(p)).toBe(text);
    if (p) expect(tunnelable(p)).toBe(false);
  });

  it('takes a running pod whose agent has started, ready or not (its ports wait for the tunnels)', () => {
    expect(tunnelable(pod({ started: true, state: { running: {} } }))).toBe(true);
    expect(agentReady(pod({ started: true, state: { running: {} } }))).toBe(false);
    expect(agentReady(pod({ started: true, ready: true, state: { running: {} } }))).toBe(true);
    expect(tunnelable(pod({ ready: true, state: { running: {} } }))).toBe(true);
  });
});
