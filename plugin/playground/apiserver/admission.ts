// The admission chain of a write: defaulting, RBAC's escalation check for roles and bindings,
// LimitRanger's defaults and the ServiceAccount plugin for pods (mutating, so before validation),
// field validation (422), then the validating plugins in kube-apiserver's order: LimitRanger's
// min/max, PodSecurity (403 for pods, warnings for pod templates) and ResourceQuota.
import type { ResourceInfo } from './resources.js';
import type { RequestContext } from './registry.js';
import { ApiError, invalid } from './status.js';
import { qualifiedResource } from './resources.js';
import * as validation from './validation/index.js';
import type { Store } from './store.js';
import { admitPodServiceAccount } from './serviceaccount-admission.js';
import { limitRangerMutate, limitRangerValidate, resourceQuotaAdmit } from './quota-admission.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function podSecurity(info: ResourceInfo, obj: Obj, nsLabels: Record<string, string>, ctx: RequestContext): void {
  const verdict = validation.checkPodSecurity(nsLabels, info.kind, obj);
  ctx.warnings.push(...verdict.warnings);
  if (verdict.forbidden) {
    const name = obj.metadata?.name ?? '';
    const prefix = `${qualifiedResource(info)} "${name}" is forbidden: `;
    const message = verdict.forbidden.startsWith(prefix) ? verdict.forbidden : `${prefix}${verdict.forbidden}`;
    const details: Record<string, string> = { name, kind: info.resource };
    if (info.group !== '') details.group = info.group;
    throw new ApiError(403, 'Forbidden', message, details);
  }
}

function failOnErrors(info: ResourceInfo, obj: Obj, errors: validation.FieldError[]): void {
  if (errors.length > 0) throw invalid(info, obj.metadata?.name ?? '', errors);
}

export function admitCreate(info: ResourceInfo, obj: Obj, nsLabels: Record<string, string>, ctx: RequestContext, store: Store): void {
  validation.defaultObject(info.kind, obj);
  ctx.guardRbac?.(info, obj, undefined);
  limitRangerMutate(info, obj, store);
  if (info.kind === 'Pod') admitPodServiceAccount(info, obj, store);
  failOnErrors(info, obj, validation.validateCreate(info.kind, obj, info.group));
  limitRangerValidate(info, obj, store);
  podSecurity(info, obj, nsLabels, ctx);
  resourceQuotaAdmit(info, obj, store, ctx.dryRun);
}

/**
 * Updates are validated against the old object. PodSecurity looks at pod creates and at
 * ephemeral-container updates only (pod-security-admission ignores other pod updates), and at
 * workload templates, where it only warns.
 */
export function admitUpdate(
  info: ResourceInfo, obj: Obj, old: Obj, nsLabels: Record<string, string>, ctx: RequestContext, subresource: string,
): void {
  validation.defaultObject(info.kind, obj);
  if (subresource === '') ctx.guardRbac?.(info, obj, old);
  failOnErrors(info, obj, validation.validateUpdate(info.kind, obj, old, info.group));
  if (subresource === 'ephemeralcontainers' || (subresource === '' && info.kind !== 'Pod')) {
    podSecurity(info, obj, nsLabels, ctx);
  }
}
