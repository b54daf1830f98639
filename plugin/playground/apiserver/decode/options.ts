// The query options of a write (metav1.CreateOptions, UpdateOptions, PatchOptions, DeleteOptions)
// checked as kube-apiserver's handlers do before they read the body
// (k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go ValidateDryRun,
// ValidateFieldValidation; endpoints/handlers/create.go, update.go, patch.go, delete.go answer
// errors.NewInvalid(meta.k8s.io <Kind>Options, "", errs)), and fieldValidation's default
// (handlers/rest.go fieldValidation: "" means Warn).
import { ApiError } from '../status.js';
import { forbidden, notSupported, required } from '../validation/field-error.js';
import type { FieldError } from '../validation/field-error.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
}

const optionsKind: Record<string, string> = {
  POST: 'CreateOptions', PUT: 'UpdateOptions', PATCH: 'PatchOptions', DELETE: 'DeleteOptions',
};

function invalidOptions(kind: string, errs: FieldError[]): ApiError {
  const texts = errs.map((e) => e.message);
  const message = `${kind}.meta.k8s.io "" is invalid: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`;
  const causes = errs.map((e) => ({ reason: e.type, message: e.message.slice(e.field.length + 2), field: e.field }));
  return new ApiError(422, 'Invalid', message, { group: 'meta.k8s.io', kind, causes });
}

/** Reads dryRun and fieldValidation for a request of `method`; reads of data take no options. */
export function writeOptions(method: string, query: URLSearchParams): WriteOptions {
  const kind = optionsKind[method];
  if (kind === undefined) return { dryRun: false, fieldValidation: 'Warn' };
  const errs: FieldError[] = [];
  const dryRun = query.getAll('dryRun');
  if (dryRun.some((v) => v !== 'All')) errs.push(notSupported('dryRun', dryRun, ['All']));
  const fieldValidation = query.get('fieldValidation') ?? '';
  if (kind !== 'DeleteOptions' && !['', 'Ignore', 'Strict', 'Warn'].includes(fieldValidation)) {
    errs.push(notSupported('fieldValidation', fieldValidation, ['', 'Ignore', 'Strict', 'Warn']));
  }
  if (errs.length > 0) throw invalidOptions(kind, errs);
  return { dryRun: dryRun.length > 0, fieldValidation: (fieldValidation || 'Warn') as FieldValidation };
}

/** ValidatePatchOptions: `force` belongs to apply patches, which must name their fieldManager. */
export function validatePatchOptions(query: URLSearchParams, apply: boolean): void {
  const errs: FieldError[] = [];
  if (!apply && query.has('force')) errs.push(forbidden('force', 'may not be specified for non-apply patch'));
  if (apply && !query.get('fieldManager')) errs.push(required('fieldManager', 'is required for apply patch'));
  if (errs.length > 0) throw invalidOptions('PatchOptions', errs);
}
