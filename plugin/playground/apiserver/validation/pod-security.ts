// PodSecurity admission (k8s.io/pod-security-admission admission/admission.go): reads the
// namespace's enforce/warn labels, evaluates the pod (or a workload's pod template) against the
// level, and words the 403 and the warnings as the real plugin does. Audit only annotates audit
// events in the real plugin, so it produces nothing a client sees here either.

import { CHECKS, OVERRIDDEN_BY_RESTRICTED, capabilitiesBaseline, type CheckResult } from './pod-security-checks.js';
import { isObj, str, type Obj } from './types.js';

type Level = 'privileged' | 'baseline' | 'restricted';
const LABEL = 'pod-security.kubernetes.io/';

function policy(labels: Record<string, string>, mode: 'enforce' | 'warn'): { level: Level; text: string } | undefined {
  const level = labels[`${LABEL}${mode}`];
  if (level !== 'baseline' && level !== 'restricted') return undefined;
  const version = labels[`${LABEL}${mode}-version`] || 'latest';
  return { level, text: `${level}:${version}` };
}

/** Where the pod metadata and spec live for each kind PodSecurity looks at. */
function podOf(kind: string, obj: Obj): { meta: Obj; spec: Obj } | undefined {
  const template = (t: Obj) => (isObj(t) ? { meta: (t as Obj).metadata ?? {}, spec: (t as Obj).spec } : undefined);
  switch (kind) {
    case 'Pod': return { meta: obj?.metadata ?? {}, spec: obj?.spec };
    case 'PodTemplate': return template(obj?.template);
    case 'Deployment': case 'ReplicaSet': case 'StatefulSet': case 'DaemonSet': case 'Job': case 'ReplicationController':
      return template(obj?.spec?.template);
    case 'CronJob': return template(obj?.spec?.jobTemplate?.spec?.template);
    default: return undefined;
  }
}

/** Evaluates every check of the level (ordered by check ID) and joins "reason (detail)" pairs. */
export function evaluate(level: Level, meta: Obj, spec: Obj): string | undefined {
  const results: Array<{ id: string; r: CheckResult }> = [];
  for (const check of CHECKS) {
    if (level === 'baseline' && check.level === 'restricted') continue;
    if (level === 'restricted' && OVERRIDDEN_BY_RESTRICTED.has(check.id)) continue;
    const r = check.run(spec ?? {}, meta ?? {});
    if (r) results.push({ id: check.id, r });
  }
  if (level === 'baseline') {
    const r = capabilitiesBaseline(spec ?? {});
    if (r) results.push({ id: 'capabilities_baseline', r });
  }
  results.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!results.length) return undefined;
  return results.map(({ r }) => (r.detail ? `${r.reason} (${r.detail})` : r.reason)).join(', ');
}

/**
 * Pods violating the enforce level are forbidden; pod templates only get the warning. The warn
 * level adds a warning of its own when it differs from the enforce policy.
 */
export function checkPodSecurity(namespaceLabels: Record<string, string>, kind: string, obj: Obj): { forbidden?: string; warnings: string[] } {
  const pod = podOf(kind, obj);
  const warnings: string[] = [];
  if (!pod) return { warnings };
  const labels = namespaceLabels ?? {};
  const enforce = policy(labels, 'enforce');
  const warn = policy(labels, 'warn');
  if (enforce) {
    const detail = evaluate(enforce.level, pod.meta, pod.spec);
    if (detail) {
      const text = `PodSecurity ${JSON.stringify(enforce.text)}: ${detail}`;
      if (kind === 'Pod') return { forbidden: `pods ${JSON.stringify(str(obj?.metadata?.name))} is forbidden: violates ${text}`, warnings };
      warnings.push(`would violate ${text}`);
    }
  }
  if (warn && warn.text !== enforce?.text) {
    const detail = evaluate(warn.level, pod.meta, pod.spec);
    if (detail) warnings.push(`would violate PodSecurity ${JSON.stringify(warn.text)}: ${detail}`);
  }
  return { warnings };
}
