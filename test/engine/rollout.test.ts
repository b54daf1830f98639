// rolloutState: kubectl rollout status's judgement, plus failures that waiting will not fix.
import { describe, expect, it } from '@jest/globals';
import type { V1Deployment } from '@kubernetes/client-node';
import { rolloutState } from '../../plugin/engine/rollout.js';

function deploy(generation: number, status: V1Deployment['status'], replicas = 2): V1Deployment {
  return { metadata: { name: 'web', generation }, spec: { replicas, selector: {}, template: {} }, status };
}

describe('rolloutState (Deployment)', () => {
  it('waits until the controller saw the change', () => {
    const s = rolloutState('Deployment', deploy(3, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }));
    expect(s).toMatchObject({ done: false, progress: { message: 'deployment/web: waiting for the controller to see the change' } });
  });
  it('counts updated available replicas', () => {
    const s = rolloutState('Deployment', deploy(3, { observedGeneration: 3, updatedReplicas: 2, replicas: 3, availableReplicas: 1 }), 1);
    expect(s).toMatchObject({ done: false, progress: { ready: 1, total: 2, message: 'deployment/web: 1 of 2 updated replicas available' } });
  });
  it('does not count old pods as updated ones (the status\'s available count includes them)', () => {
    // Mid-rollout: both old pods still available, one new pod created, none of the new ones available.
    const s = rolloutState('Deployment', deploy(3, { observedGeneration: 3, updatedReplicas: 1, replicas: 3, availableReplicas: 2 }), 0);
    expect(s.progress).toMatchObject({ ready: 0, total: 2, message: 'deployment/web: 0 of 2 updated replicas available' });
  });
  it('is done when all replicas are updated and available and old ones are gone', () => {
    expect(rolloutState('Deployment', deploy(3, { observedGeneration: 3, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })).done).toBe(true);
    expect(rolloutState('Deployment', deploy(3, { observedGeneration: 3, updatedReplicas: 2, replicas: 3, availableReplicas: 3 })).done).toBe(false);
  });
  it('reports a ReplicaFailure (e.g. PodSecurity refusing the pods) and a passed deadline', () => {
    const failed = rolloutState('Deployment', deploy(3, { observedGeneration: 3, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-x" is forbidden: violates PodSecurity' }] }));
    expect(failed.failure).toBe('FailedCreate: pods "web-x" is forbidden: violates PodSecurity');
    const late = rolloutState('Deployment', deploy(3, { observedGeneration: 3, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }] }));
    expect(late.failure).toBe('ReplicaSet "web-1" has timed out progressing.');
  });
});
