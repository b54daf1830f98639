// Defaulting, field validation and PodSecurity admission for the playground API server, with
// the real kube-apiserver's messages. Dispatches by kind to the validators in this folder.

import { type FieldError } from './field-error.js';
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { invalid, forbidden, invalidEach } from './field-error.js';
import { isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from './names.js';
import { validateImageOnlyForPod } from './container.js';
import { validatePodSpec, validatePodTemplateSpec } from './pod-spec.js';
import { canonical, validateEphemeralChanges, validatePodSpecUpdate } from './pod-update.js';
import { validateServiceSpec, validateServiceUpdate } from './service.js';
import { validateWorkloadSpec, validateWorkloadUpdate } from './workloads.js';
import { isObj, list, type Obj } from './types.js';
import { isValidPathSegmentName, validateRbac, validateRbacUpdate } from './rbac.js';
import { validateEventCreate, validateEventUpdate } from './events.js';
import { validateNetworkPolicy, validateNetworkPolicyUpdate } from './network-policy.js';
import { validateLimitRange, validateLimitRangeUpdate, validateResourceQuota, validateResourceQuotaUpdate } from './resource-quota.js';

export type { FieldError } from './field-error.js';
export { defaultObject } from './defaults.js';
export { checkPodSecurity } from './pod-security.js';

const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);
const RBAC = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** The name rule of each kind (ValidateServiceName = DNS-1035, namespaces DNS-1123 labels, ...). */
function nameCheck(kind: string): (name: string) => string[] {
  if (kind === 'Service') return isDNS1035Label;
  if (kind === 'Namespace') return isDNS1123Label;
  if (RBAC.has(kind)) return isValidPathSegmentName;
  return isDNS1123Subdomain;
}

/** ConfigMap/Secret keys: `data[<key>]` paths, and no key in both data and binaryData. */
function validateDataKeys(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['data', 'binaryData', 'stringData']) {
    for (const key of Object.keys(isObj(obj?.[field]) ? obj[field] : {})) errs.push(...invalidEach(`${field}[${key}]`, key, isConfigMapKey(key)));
  }
  if (isObj(obj?.data) && isObj(obj?.binaryData)) {
    for (const key of Object.keys(obj.binaryData)) {
      if (key in obj.data) errs.push(invalid(`binaryData[${key}]`, key, 'duplicate of key present in data'));
    }
  }
  return errs;
}

function validateBody(kind: string, obj: Obj): FieldError[] {
  if (WORKLOADS.has(kind)) return validateWorkloadSpec(kind, obj);
  if (RBAC.has(kind)) return validateRbac(kind, obj);
  switch (kind) {
    case 'Pod': return validatePodSpec(obj?.spec, 'spec');
    case 'PodTemplate': return validatePodTemplateSpec(obj?.template, 'template');
    case 'Service': return validateServiceSpec(obj);
    case 'ConfigMap': case 'Secret': return validateDataKeys(obj);
    default: return [];
  }
}

/** `group` is the request's API group: Events are validated by the version they are written in. */
export function validateCreate(kind: string, obj: Obj, group = ''): FieldError[] {
  // ValidateEventCreate does its own ObjectMeta check, and only for events.k8s.io.
  if (kind === 'Event') return validateEventCreate(obj, group);
  if (kind === 'NetworkPolicy') return validateNetworkPolicy(obj);
  if (kind === 'ResourceQuota') return validateResourceQuota(obj);
  if (kind === 'LimitRange') return validateLimitRange(obj);
  const errs = [...validateObjectMeta(obj?.metadata, nameCheck(kind)), ...validateBody(kind, obj)];
  // ValidatePodCreate: ephemeral containers only come through the ephemeralcontainers subresource
  if (kind === 'Pod' && list(obj?.spec?.ephemeralContainers).length > 0) {
    errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  }
  // ValidatePodCreate: validateContainersOnlyForPod for containers and init containers.
  if (kind === 'Pod') {
    for (const field of ['containers', 'initContainers']) list(obj?.spec?.[field]).forEach((c, i) => errs.push(...validateImageOnlyForPod(c, `spec.${field}[${i}]`)));
  }
  return errs;
}

/**
 * Update validation. For pods, a change confined to spec.ephemeralContainers is validated as the
 * pods/ephemeralcontainers subresource does (ValidatePodEphemeralContainersUpdate); anything else
 * follows ValidatePodUpdate, where ephemeral containers count as a forbidden spec change.
 */
export function validateUpdate(kind: string, obj: Obj, old: Obj, group = ''): FieldError[] {
  if (kind === 'Event') return validateEventUpdate(obj, old, group);
  if (kind === 'NetworkPolicy') return validateNetworkPolicyUpdate(obj, old);
  if (kind === 'ResourceQuota') return validateResourceQuotaUpdate(obj, old);
  if (kind === 'LimitRange') return validateLimitRangeUpdate(obj, old);
  const errs = [...validateObjectMetaUpdate(obj?.metadata, old?.metadata), ...validateBody(kind, obj)];
  if (kind === 'Pod') {
    const strip = (spec: Obj): string => canonical({ ...(spec ?? {}), ephemeralContainers: undefined });
    const ephemeralOnly = strip(obj?.spec) === strip(old?.spec)
      && canonical(obj?.spec?.ephemeralContainers ?? []) !== canonical(old?.spec?.ephemeralContainers ?? []);
    errs.push(...(ephemeralOnly ? validateEphemeralChanges(obj?.spec, old?.spec) : validatePodSpecUpdate(obj?.spec, old?.spec)));
  }
  if (WORKLOADS.has(kind)) errs.push(...validateWorkloadUpdate(kind, obj, old));
  if (kind === 'Service') errs.push(...validateServiceUpdate(obj, old));
  if ((kind === 'ConfigMap' || kind === 'Secret') && old?.immutable === true) {
    for (const field of ['data', 'binaryData']) {
      if (canonical(obj?.[field] ?? null) !== canonical(old?.[field] ?? null)) errs.push(forbidden(field, 'field is immutable when `immutable` is set'));
    }
    errs.push(...immutable(obj?.immutable, true, 'immutable'));
  }
  if (kind === 'Secret') errs.push(...immutable(obj?.type, old?.type, 'type'));
  errs.push(...validateRbacUpdate(kind, obj, old));
  return errs;
}

/** The pods/ephemeralcontainers subresource's validation, for callers that know the subresource. */
export function validateEphemeralContainersUpdate(obj: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(obj?.metadata, old?.metadata), ...validatePodSpec(obj?.spec, 'spec'),
    ...validateEphemeralChanges(obj?.spec, old?.spec)];
}

export function invalidMessage(kind: string, group: string, name: string, errors: FieldError[]): string {
  const what = group ? `${kind}.${group}` : kind;
  const list = errors.map((e) => e.message);
  return `${what} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`;
}

