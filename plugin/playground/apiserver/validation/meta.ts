// ObjectMeta validation (apimachinery pkg/api/validation/objectmeta.go ValidateObjectMeta /
// ValidateObjectMetaUpdate, and metav1 validation ValidateLabels).

import { forbidden, invalid, invalidEach, required, tooLong, type FieldError } from './field-error.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import { isObj, str, type Obj } from './types.js';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (!isObj(labels)) return [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...invalidEach(path, k, isQualifiedName(k)));
    errs.push(...invalidEach(path, v, isValidLabelValue(str(v))));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (!isObj(annotations)) return [];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    errs.push(...invalidEach(path, k, isQualifiedName(k.toLowerCase())));
    size += k.length + str(v).length;
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function validateObjectMeta(meta: Obj, nameCheck: (name: string) => string[], path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(meta?.name);
  if (name === '') {
    if (!meta?.generateName) errs.push(required(`${path}.name`, 'name or generateName is required'));
  } else {
    errs.push(...invalidEach(`${path}.name`, name, nameCheck(name)));
  }
  errs.push(...validateLabels(meta?.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta?.annotations, `${path}.annotations`));
  return errs;
}

/** ValidateImmutableField: `field is immutable`. */
export function immutable(newValue: unknown, oldValue: unknown, path: string): FieldError[] {
  return JSON.stringify(newValue) === JSON.stringify(oldValue) ? [] : [invalid(path, newValue ?? '', 'field is immutable')];
}

/**
 * ValidateObjectMetaUpdate. rest.BeforeUpdate copies an absent uid and the creationTimestamp from
 * the old object before validation, so only a uid or namespace that is sent and differs counts.
 */
export function validateObjectMetaUpdate(meta: Obj, old: Obj, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...immutable(str(meta?.name), str(old?.name), `${path}.name`));
  if (meta?.namespace) errs.push(...immutable(str(meta.namespace), str(old?.namespace), `${path}.namespace`));
  if (meta?.uid) errs.push(...immutable(str(meta.uid), str(old?.uid), `${path}.uid`));
  if (meta?.deletionGracePeriodSeconds !== undefined && old?.deletionGracePeriodSeconds === undefined) {
    errs.push(forbidden(`${path}.deletionGracePeriodSeconds`, 'field is immutable; may only be changed via deletion'));
  }
  errs.push(...validateLabels(meta?.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta?.annotations, `${path}.annotations`));
  return errs;
}
