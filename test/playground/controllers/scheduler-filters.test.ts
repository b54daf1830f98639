// kube-scheduler's filters and messages, and the node lifecycle controller's NoSchedule taints, as
// tables of cases (the texts are kube-scheduler 1.32's; see scheduler-filters.ts for the sources).
import { describe, expect, it } from '@jest/globals';
import { filterNode, toleratesTaint, unschedulableMessage, type SchedulingNode } from '../../../plugin/playground/controllers/scheduler-filters.js';
import { reconcileTaints, wantedTaintKeys } from '../../../plugin/playground/controllers/node-lifecycle-controller.js';
import type { Pod } from '../../../plugin/playground/controllers/types.js';

const pod = (spec: Record<string, unknown> = {}): Pod => ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }], ...spec } });
const node = (spec: SchedulingNode['spec'] = {}, labels: Record<string, string> = { 'kubernetes.io/hostname': 'n1' }): SchedulingNode =>
  ({ metadata: { name: 'n1', labels }, spec });

describe('toleratesTaint', () => {
  const taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
  it.each([
    [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'infra' }, true],
    [{ key: 'dedicated', value: 'other' }, false],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ operator: 'Exists' }, true],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'other', operator: 'Exists' }, false],
  ])('%j tolerates dedicated=infra:NoSchedule: %s', (toleration, want) => {
    expect(toleratesTaint(toleration, taint)).toBe(want);
  });
});

describe('filterNode', () => {
  it.each<[string, Pod, SchedulingNode, string | undefined]>([
    ['a plain pod on a plain node', pod(), node(), undefined],
    ['a cordoned node', pod(), node({ unschedulable: true }), 'node(s) were unschedulable'],
    ['a cordoned node, pod tolerating the unschedulable taint', pod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }), node({ unschedulable: true }), undefined],
    ['unschedulable wins over the taint and the selector (filter order)', pod({ nodeSelector: { a: 'b' } }),
      node({ unschedulable: true, taints: [{ key: 'x', effect: 'NoSchedule' }] }), 'node(s) were unschedulable'],
    ['a NoExecute taint keeps pods away too', pod(), node({ taints: [{ key: 'x', value: 'y', effect: 'NoExecute' }] }), 'node(s) had untolerated taint {x: y}'],
    ['a PreferNoSchedule taint does not', pod(), node({ taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), undefined],
    ['an empty taint value prints as nothing', pod(), node({ taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
      'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    ['a nodeSelector that matches', pod({ nodeSelector: { 'kubernetes.io/hostname': 'n1' } }), node(), undefined],
    ['a nodeSelector that does not', pod({ nodeSelector: { disktype: 'ssd' } }), node(), "node(s) didn't match Pod's node affinity/selector"],
    ['required affinity: one of two terms matches', pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
    ] } } } }), node(), undefined],
    ['required affinity: Gt on a non-number and DoesNotExist on a present label', pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'Gt', values: ['1'] }] },
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'DoesNotExist' }] },
    ] } } } }), node(), "node(s) didn't match Pod's node affinity/selector"],
    ['required affinity: an empty term matches nothing', pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } } }),
      node(), "node(s) didn't match Pod's node affinity/selector"],
  ])('%s', (_name, p, n, want) => {
    expect(filterNode(p, n)).toBe(want);
  });
});

describe('unschedulableMessage', () => {
  it('counts and sorts the reasons, then adds preemption\'s verdict', () => {
    expect(unschedulableMessage(pod(), ['node(s) were unschedulable', "node(s) didn't match Pod's node affinity/selector", 'node(s) were unschedulable']))
      .toBe("0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) were unschedulable. "
        + 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  });
  it('says a pod with preemptionPolicy Never may not preempt', () => {
    expect(unschedulableMessage(pod({ preemptionPolicy: 'Never' }), ['node(s) were unschedulable']))
      .toBe('0/1 nodes are available: 1 node(s) were unschedulable. preemption: not eligible due to preemptionPolicy=Never.');
  });
  it('has its own words when there is no node at all', () => {
    expect(unschedulableMessage(pod(), [])).toBe('no nodes available to schedule pods');
  });
});

describe('the node lifecycle controller\'s NoSchedule taints', () => {
  const now = '2026-01-01T00:00:00Z';
  it('wants the unschedulable taint on a cordoned node and condition taints from its conditions', () => {
    const n = { ...node({ unschedulable: true }), status: { conditions: [{ type: 'Ready', status: 'Unknown' }, { type: 'DiskPressure', status: 'False' }, { type: 'PIDPressure', status: 'True' }] } };
    expect(wantedTaintKeys(n)).toEqual(['node.kubernetes.io/unreachable', 'node.kubernetes.io/pid-pressure', 'node.kubernetes.io/unschedulable']);
  });
  it('adds what is missing with timeAdded, removes only its own taints, and changes nothing when all is in place', () => {
    const own = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2025-01-01T00:00:00Z' };
    const foreign = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
    expect(reconcileTaints([foreign], ['node.kubernetes.io/unschedulable'], now)).toEqual([foreign, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: now }]);
    expect(reconcileTaints([foreign, own], [], now)).toEqual([foreign]);
    expect(reconcileTaints([foreign, own], ['node.kubernetes.io/unschedulable'], now)).toBeUndefined();
    // A NoExecute taint with a managed key is the eviction side's, not this pass's.
    expect(reconcileTaints([{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }], [], now)).toBeUndefined();
  });
});
