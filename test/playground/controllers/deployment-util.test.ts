import { describe, expect, it } from '@jest/globals';
import { computeHash, safeEncodeString } from '../../../plugin/playground/controllers/hash.js';
import { maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts, scaledValue } from '../../../plugin/playground/controllers/deployment-util.js';
import type { Deployment, ReplicaSet } from '../../../plugin/playground/controllers/types.js';

function deploy(replicas: number, surge?: number | string, unavailable?: number | string, type = 'RollingUpdate'): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'd1', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'node:22' }] } },
      strategy: { type, rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
    },
  };
}

const rs = (replicas: number): ReplicaSet => ({ metadata: { name: 'x' }, spec: { replicas, selector: {}, template: { spec: { containers: [] } } } });

describe('pod-template-hash', () => {
  it('encodes with the SafeEncodeString alphabet', () => {
    // '0' is 48 -> 48 % 27 = 21 -> '5'; '9' is 57 -> 3 -> 'f'.
    expect(safeEncodeString('09')).toBe('4f');
  });
  it('is stable, ignores key order and changes with the template and collisionCount', () => {
    const a = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'x' }] } };
    const b = { spec: { containers: [{ image: 'x', name: 'a' }] }, metadata: { labels: { app: 'web' } } };
    expect(computeHash(a)).toBe(computeHash(b));
    expect(computeHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(a, 1)).not.toBe(computeHash(a));
    expect(computeHash({ ...a, spec: { containers: [{ name: 'a', image: 'y' }] } })).not.toBe(computeHash(a));
  });
});

describe('fenceposts', () => {
  it.each([
    // [value, total, roundUp, expected]
    ['25%', 3, true, 1],
    ['25%', 3, false, 0],
    ['50%', 5, true, 3],
    ['50%', 5, false, 2],
    [2, 10, false, 2],
    ['30%', 10, true, 3],
  ] as const)('scaledValue(%p, %p, roundUp=%p) = %p', (v, total, up, want) => {
    expect(scaledValue(v, total, up)).toBe(want);
  });

  it.each([
    // [surge, unavailable, desired, surgeOut, unavailableOut]
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 1, 1, 0],
    [0, '10%', 3, 0, 1], // both round to 0: unavailable becomes 1
    [1, 0, 2, 1, 0],
  ] as const)('resolveFenceposts(%p, %p, %p)', (s, u, desired, so, uo) => {
    expect(resolveFenceposts(s, u, desired)).toEqual({ surge: so, unavailable: uo });
  });

  it('maxUnavailable is capped by replicas and zero for Recreate', () => {
    expect(maxUnavailable(deploy(2, 0, 5))).toBe(2);
    expect(maxUnavailable(deploy(2, 1, 1, 'Recreate'))).toBe(0);
    expect(maxSurge(deploy(2, 1, 1, 'Recreate'))).toBe(0);
    expect(maxUnavailable(deploy(0, 1, 1))).toBe(0);
  });
});

describe('newRSNewReplicas', () => {
  it.each([
    // [desired, surge, old replicas, new replicas, expected]
    [3, 1, 3, 0, 1],
    [3, 1, 2, 1, 2],
    [3, 1, 3, 1, 1], // already at 4 pods: no growth
    [3, '100%', 3, 0, 3],
    [2, 0, 2, 0, 0],
  ] as const)('desired %p surge %p old %p new %p -> %p', (desired, surge, oldN, newN, want) => {
    const d = deploy(desired, surge, 1);
    const newRS = rs(newN);
    expect(newRSNewReplicas(d, [rs(oldN), newRS], newRS)).toBe(want);
  });
  it('Recreate goes straight to the desired count', () => {
    const d = deploy(3, 1, 1, 'Recreate');
    expect(newRSNewReplicas(d, [rs(3), rs(0)], rs(0))).toBe(3);
  });
});

describe('template equality', () => {
  it('ignores the pod-template-hash label and fields Go decodes to zero values', async () => {
    const { equalIgnoreHash } = await import('../../../plugin/playground/controllers/deployment-util.js');
    const stored = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'a', image: 'x' }] } };
    const fromUndo = { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'x', resources: {} }] } };
    expect(equalIgnoreHash(stored as never, fromUndo as never)).toBe(true);
    expect(computeHash(fromUndo)).toBe(computeHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'x' }] } }));
    expect(equalIgnoreHash(stored as never, { ...fromUndo, spec: { containers: [{ name: 'a', image: 'y' }] } } as never)).toBe(false);
  });
});
