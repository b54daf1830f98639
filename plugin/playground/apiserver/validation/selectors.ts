// Label selectors for workload validation: syntax (metav1 validation ValidateLabelSelector),
// matching a template's labels, and Go's %#v rendering of a LabelSelector for immutability errors.

import { GoLiteral, goSyntax, invalid, notSupported, required, type FieldError } from './field-error.js';
import { validateLabels } from './meta.js';
import { isQualifiedName } from './names.js';
import { isObj, list, str, type Obj } from './types.js';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export function validateLabelSelector(sel: Obj, path: string): FieldError[] {
  if (!isObj(sel)) return [];
  const errs = validateLabels((sel as Obj).matchLabels, `${path}.matchLabels`);
  list((sel as Obj).matchExpressions).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const op = str(e?.operator);
    const values = list(e?.values);
    if (!OPERATORS.includes(op)) errs.push(notSupported(`${p}.operator`, op, OPERATORS));
    else if ((op === 'In' || op === 'NotIn') && values.length === 0) errs.push(required(`${p}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\''));
    else if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) errs.push(invalid(`${p}.values`, values, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
    for (const m of isQualifiedName(str(e?.key))) errs.push(invalid(`${p}.key`, str(e?.key), m));
  });
  return errs;
}

/** LabelSelectorAsSelector + Matches; a missing selector matches nothing (labels.Nothing()). */
export function selectorMatches(sel: Obj, labels: Record<string, string> | undefined): boolean {
  if (!isObj(sel)) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries((sel as Obj).matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of list((sel as Obj).matchExpressions)) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = list(e.values).map(String);
    if (e.operator === 'In' && !(has && values.includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && values.includes(l[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export const selectorEmpty = (sel: Obj): boolean =>
  isObj(sel) && Object.keys((sel as Obj).matchLabels ?? {}).length + list((sel as Obj).matchExpressions).length === 0;

/** %#v of a template's labels: map[string]string{...}, or map[string]string(nil) when absent. */
export function labelsLiteral(labels: unknown): GoLiteral {
  return new GoLiteral(isObj(labels) ? goSyntax(labels) : 'map[string]string(nil)');
}

/** %#v of *metav1.LabelSelector after field.Error dereferences the pointer. */
export function selectorLiteral(sel: Obj): GoLiteral {
  if (!isObj(sel)) return new GoLiteral('null');
  const s = sel as Obj;
  const ml = isObj(s.matchLabels) ? goSyntax(s.matchLabels) : 'map[string]string(nil)';
  const exprs = list(s.matchExpressions);
  const me = exprs.length === 0 ? '[]v1.LabelSelectorRequirement(nil)' : `[]v1.LabelSelectorRequirement{${exprs.map((e) =>
    `v1.LabelSelectorRequirement{Key:${JSON.stringify(str(e.key))}, Operator:${JSON.stringify(str(e.operator))}, Values:${
      Array.isArray(e.values) ? goSyntax(e.values) : '[]string(nil)'}}`).join(', ')}}`;
  return new GoLiteral(`v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`);
}
