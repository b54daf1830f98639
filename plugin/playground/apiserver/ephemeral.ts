// pods/ephemeralcontainers updates: only spec.ephemeralContainers is taken from the body; the
// validation module applies ValidatePodEphemeralContainersUpdate, then the ServiceAccount plugin's
// Validate and PodSecurity.
import type { Registry, RequestContext } from './registry.js';
import { grKey } from './registry.js';
import { findResource } from './resources.js';
import { conflict, invalid, notFoundPath } from './status.js';
import { deepEqual } from './strategy.js';
import * as validation from './validation/index.js';
import { ApiError } from './status.js';
import { validateEphemeralServiceAccount } from './serviceaccount-admission.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function updateEphemeralContainers(reg: Registry, ns: string, name: string, wanted: Obj, ctx: RequestContext): Obj {
  const pods = findResource('', 'v1', 'pods');
  if (!pods) throw notFoundPath();
  const current = reg.get(pods, ns, name);
  const rv = wanted.metadata?.resourceVersion;
  if (rv && rv !== current.metadata.resourceVersion) throw conflict(pods, name);
  const next = structuredClone(current);
  const list: Obj[] = wanted.spec?.ephemeralContainers ?? [];
  next.spec.ephemeralContainers = list;
  if (list.length === 0) delete next.spec.ephemeralContainers;
  // Defaulting first (terminationMessagePath, imagePullPolicy, ...), as the decoder does.
  validation.defaultObject('Pod', next);
  const errs = validation.validateEphemeralContainersUpdate(next, current);
  if (errs.length > 0) throw invalid(pods, name, errs);
  validateEphemeralServiceAccount(pods, next, reg.store);
  const verdict = validation.checkPodSecurity(reg.namespace(ns)?.metadata?.labels ?? {}, 'Pod', next);
  ctx.warnings.push(...verdict.warnings);
  if (verdict.forbidden) {
    const prefix = `pods "${name}" is forbidden: `;
    throw new ApiError(403, 'Forbidden', verdict.forbidden.startsWith(prefix) ? verdict.forbidden : `${prefix}${verdict.forbidden}`,
      { name, kind: 'pods' });
  }
  if (deepEqual(next, current)) return current;
  if (ctx.dryRun) return next;
  return reg.store.put(grKey(pods), next);
}
