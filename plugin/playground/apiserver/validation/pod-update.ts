// Pod update rules (core/validation/validation.go ValidatePodUpdate, ValidateContainerUpdates,
// validateOnlyAddedTolerations, ValidatePodEphemeralContainersUpdate): a running pod may change
// only images, activeDeadlineSeconds, tolerations (additions) and a negative grace period to 1.

import { forbidden, invalid, required, type FieldError } from './field-error.js';
import { validateImageOnlyForPod } from './container.js';
import { list, str, type Obj } from './types.js';

export const POD_UPDATE_FORBIDDEN = 'pod updates may not change fields other than `spec.containers[*].image`,'
  + '`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing '
  + 'tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** Key-sorted JSON, so that semantically equal objects compare equal. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val) => (val && typeof val === 'object' && !Array.isArray(val)
    ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : val));
}

/**
 * A short stand-in for go-cmp's cmp.Diff(old, new): one `-`/`+` pair per changed top-level field.
 * The real text is go-cmp's struct dump, which cannot be reproduced from JSON.
 */
export function specDiff(oldSpec: Obj, newSpec: Obj): string {
  const keys = [...new Set([...Object.keys(oldSpec ?? {}), ...Object.keys(newSpec ?? {})])].sort();
  const lines: string[] = [];
  for (const k of keys) {
    const a = oldSpec?.[k];
    const b = newSpec?.[k];
    if (canonical(a) === canonical(b)) continue;
    if (a !== undefined) lines.push(`-\t${k}: ${canonical(a)},`);
    if (b !== undefined) lines.push(`+\t${k}: ${canonical(b)},`);
  }
  return `  core.PodSpec{\n${lines.map((l) => `  ${l}`).join('\n')}\n  }\n`;
}

function containerUpdates(newList: Obj[], oldList: Obj[], path: string): { errs: FieldError[]; stop: boolean } {
  if (newList.length !== oldList.length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  newList.forEach((c, i) => {
    if (!c?.image) errs.push(required(`${path}[${i}].image`));
    errs.push(...validateImageOnlyForPod(c, `${path}[${i}]`));
  });
  return { errs, stop: false };
}

function onlyAddedTolerations(newT: Obj[], oldT: Obj[]): FieldError[] {
  for (const old of oldT) {
    const found = newT.some((t) => canonical({ ...old, tolerationSeconds: t?.tolerationSeconds }) === canonical({ ...t, tolerationSeconds: t?.tolerationSeconds }));
    if (!found) return [forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

function activeDeadline(newV: unknown, oldV: unknown): FieldError[] {
  const path = 'spec.activeDeadlineSeconds';
  if (newV !== undefined && newV !== null) {
    const n = Number(newV);
    if (n < 0 || n > 2147483647) return [invalid(path, n, 'must be between 0 and 2147483647, inclusive')];
    if (oldV !== undefined && oldV !== null && Number(oldV) < n) return [invalid(path, n, 'must be less than or equal to previous value')];
    return [];
  }
  return oldV !== undefined && oldV !== null ? [invalid(path, null, 'must not update from a positive integer to nil value')] : [];
}

/** The spec rules of ValidatePodUpdate (metadata and full-spec validation are done by the caller). */
export function validatePodSpecUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['containers', 'initContainers']) {
    const r = containerUpdates(list(spec?.[field]), list(oldSpec?.[field]), `spec.${field}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ad = activeDeadline(spec?.activeDeadlineSeconds, oldSpec?.activeDeadlineSeconds);
  if (ad.length) return [...errs, ...ad];
  errs.push(...onlyAddedTolerations(list(spec?.tolerations), list(oldSpec?.tolerations)));
  if (canonical(spec) === canonical(oldSpec)) return errs;
  const munged: Obj = structuredClone(spec ?? {});
  const mungeImages = (field: string): void => {
    if (Array.isArray(munged[field])) munged[field] = munged[field].map((c: Obj, i: number) => ({ ...c, image: oldSpec[field][i]?.image }));
  };
  mungeImages('containers');
  mungeImages('initContainers');
  for (const field of ['activeDeadlineSeconds', 'schedulingGates', 'tolerations']) {
    if (oldSpec?.[field] === undefined) delete munged[field];
    else munged[field] = oldSpec[field];
  }
  if (typeof oldSpec?.terminationGracePeriodSeconds === 'number' && oldSpec.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  if (canonical(munged) !== canonical(oldSpec)) errs.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n${specDiff(oldSpec, munged)}`));
  return errs;
}

/** ValidatePodEphemeralContainersUpdate part 2: existing ephemeral containers never change or go. */
export function validateEphemeralChanges(spec: Obj, oldSpec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const byName = new Map(list(spec?.ephemeralContainers).map((c) => [str(c?.name), c]));
  for (const old of list(oldSpec?.ephemeralContainers)) {
    const name = str(old?.name);
    const cur = byName.get(name);
    if (!cur) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers ${JSON.stringify(name)} may not be removed\n`));
    else if (canonical(cur) !== canonical(old)) {
      errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers ${JSON.stringify(name)} may not be changed\n-\t${canonical(old)}\n+\t${canonical(cur)}\n`));
    }
  }
  return errs;
}
