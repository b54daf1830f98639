// The clusterrole-aggregation controller's computation: matched roles in name order, rules once.
import { describe, expect, it } from '@jest/globals';
import { aggregatedRules } from '../../../plugin/playground/controllers/clusterrole-aggregation-logic.js';
import type { ClusterRole } from '../../../plugin/playground/controllers/types.js';

const role = (name: string, labels: Record<string, string>, verbs: string[][]): ClusterRole => ({
  metadata: { name, labels }, rules: verbs.map((v) => ({ verbs: v, apiGroups: [''], resources: ['pods'] })),
});

describe('aggregatedRules', () => {
  const target: ClusterRole = {
    metadata: { name: 'edit', labels: { 'agg-edit': 'true' } },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg-edit': 'true' } }, { matchExpressions: [{ key: 'extra', operator: 'Exists' }] }] },
  };

  it('takes the rules of the matching roles by name, selector by selector, each rule once, never its own', () => {
    const roles = [
      target,
      role('zeta', { 'agg-edit': 'true' }, [['get'], ['list']]),
      role('alpha', { 'agg-edit': 'true' }, [['list'], ['watch']]),
      role('other', { 'agg-view': 'true' }, [['delete']]),
      role('beta', { extra: 'yes' }, [['create'], ['get']]),
    ];
    expect(aggregatedRules(target, roles).map((r) => r.verbs[0])).toEqual(['list', 'watch', 'get', 'create']);
  });

  it('is empty without matches', () => {
    expect(aggregatedRules(target, [target, role('other', {}, [['get']])])).toEqual([]);
  });
});
