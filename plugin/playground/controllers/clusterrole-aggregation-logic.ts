// What the clusterrole-aggregation controller computes (kubernetes pkg/controller/
// clusterroleaggregation): the rules of a ClusterRole with an aggregationRule are those of the
// ClusterRoles its selectors match, selector by selector, matches in name order, each rule once.
import { canonicalJson } from './hash.js';
import { matchesSelector } from './pod-util.js';
import type { ClusterRole, PolicyRule } from './types.js';

export function aggregatedRules(role: ClusterRole, clusterRoles: ClusterRole[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const seen = new Set<string>();
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const matching = clusterRoles
      .filter((r) => r.metadata.name !== role.metadata.name && matchesSelector(r.metadata.labels, selector))
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    for (const r of matching) {
      for (const rule of r.rules ?? []) {
        const key = canonicalJson(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(rule);
      }
    }
  }
  return out;
}
