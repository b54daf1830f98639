// Deployment, ReplicaSet, StatefulSet and DaemonSet validation (pkg/apis/apps/validation/validation.go).

import { forbidden, invalid, notSupported, required, type FieldError } from './field-error.js';
import { validatePodTemplateSpec } from './pod-spec.js';
import { labelsLiteral, selectorEmpty, selectorLiteral, selectorMatches, validateLabelSelector } from './selectors.js';
import { isObj, str, type Obj } from './types.js';

const nonNegative = (v: unknown, path: string): FieldError[] =>
  typeof v === 'number' && v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];

/** ValidatePodTemplateSpecForReplicaSet: template labels must match the selector; restartPolicy Always. */
function validateTemplateForSelector(spec: Obj, path: string, kindName: string): FieldError[] {
  const errs: FieldError[] = [];
  const template = spec?.template;
  if (!isObj(template)) return [required(`${path}.template`)];
  const labels = (template as Obj).metadata?.labels;
  if (!selectorMatches(spec.selector, labels)) {
    errs.push(invalid(`${path}.template.metadata.labels`, labelsLiteral(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, `${path}.template`));
  const rp = str((template as Obj).spec?.restartPolicy);
  if (rp && rp !== 'Always') errs.push(notSupported(`${path}.template.spec.restartPolicy`, rp, ['Always']));
  if ((template as Obj).spec?.activeDeadlineSeconds !== undefined) {
    // Deployments reuse ValidatePodTemplateSpecForReplicaSet, hence "in ReplicaSet"
    const owner = kindName === 'Deployment' ? 'ReplicaSet' : kindName;
    errs.push(invalid(`${path}.template.spec.activeDeadlineSeconds`, (template as Obj).spec.activeDeadlineSeconds,
      `activeDeadlineSeconds in ${owner} is not Supported`));
  }
  return errs;
}

function validateSelector(spec: Obj, path: string, kindLower: string): FieldError[] {
  if (!isObj(spec?.selector)) return [required(`${path}.selector`)];
  const errs = validateLabelSelector(spec.selector, `${path}.selector`);
  if (selectorEmpty(spec.selector)) errs.push(invalid(`${path}.selector`, selectorLiteral(spec.selector), `empty selector is invalid for ${kindLower}`));
  return errs;
}

/** intstr percent or integer for rollingUpdate.maxSurge / maxUnavailable. */
function validateIntOrPercent(v: unknown, path: string): FieldError[] {
  if (v === undefined || typeof v === 'number') return typeof v === 'number' ? nonNegative(v, path) : [];
  const s = str(v);
  const m = /^(\d+)%$/.exec(s);
  if (!m) return [invalid(path, s, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  return Number(m[1]) > 100 ? [invalid(path, s, 'must not be greater than 100%')] : [];
}

const isZero = (v: unknown): boolean => v === 0 || v === '0%';

function validateDeploymentStrategy(strategy: Obj, path: string): FieldError[] {
  const type = str(strategy?.type);
  if (type === 'Recreate') {
    return isObj(strategy.rollingUpdate) ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (type !== 'RollingUpdate') return type ? [notSupported(`${path}.type`, type, ['Recreate', 'RollingUpdate'])] : [required(`${path}.type`)];
  const ru = strategy.rollingUpdate ?? {};
  const errs = [...validateIntOrPercent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`),
    ...validateIntOrPercent(ru.maxSurge, `${path}.rollingUpdate.maxSurge`)];
  if (isZero(ru.maxSurge) && isZero(ru.maxUnavailable)) {
    errs.push(invalid(`${path}.rollingUpdate.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  return errs;
}

export function validateWorkloadSpec(kind: string, obj: Obj): FieldError[] {
  const spec = obj?.spec;
  if (!isObj(spec)) return [required('spec')];
  const s = spec as Obj;
  const errs: FieldError[] = [];
  errs.push(...nonNegative(s.replicas, 'spec.replicas'));
  // ValidateReplicaSetSpec words its empty-selector error "for deployment" too
  errs.push(...validateSelector(s, 'spec', kind === 'ReplicaSet' ? 'deployment' : kind.toLowerCase()));
  errs.push(...validateTemplateForSelector(s, 'spec', kind));
  errs.push(...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (kind === 'Deployment') {
    errs.push(...validateDeploymentStrategy(s.strategy, 'spec.strategy'));
    if (typeof s.progressDeadlineSeconds === 'number' && s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
      errs.push(invalid('spec.progressDeadlineSeconds', s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  if (kind === 'StatefulSet') {
    const policy = str(s.podManagementPolicy);
    if (policy && !['OrderedReady', 'Parallel'].includes(policy)) errs.push(notSupported('spec.podManagementPolicy', policy, ['OrderedReady', 'Parallel']));
    const ut = str(s.updateStrategy?.type);
    if (ut && !['OnDelete', 'RollingUpdate'].includes(ut)) errs.push(notSupported('spec.updateStrategy.type', ut, ['OnDelete', 'RollingUpdate']));
  }
  return errs;
}

/** Update rules: apps/v1 selectors are immutable; StatefulSet limits which spec fields change. */
export function validateWorkloadUpdate(kind: string, obj: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (JSON.stringify(obj?.spec?.selector ?? null) !== JSON.stringify(old?.spec?.selector ?? null)) {
    errs.push(invalid('spec.selector', selectorLiteral(obj?.spec?.selector), 'field is immutable'));
  }
  if (kind === 'StatefulSet') {
    const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
    const strip = (spec: Obj): string => JSON.stringify(Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !mutable.includes(k)).sort(([a], [b]) => a.localeCompare(b))));
    if (strip(obj?.spec) !== strip(old?.spec)) {
      errs.push(forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
  }
  return errs;
}
