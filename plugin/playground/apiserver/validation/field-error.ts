// field.Error from k8s.io/apimachinery/pkg/util/validation/field/errors.go: the types, the
// "<path>: <Type>: <value>: <detail>" text (ErrorBody), and Go's %q / %#v value rendering.

export type FieldErrorType = 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueDuplicate'
  | 'FieldValueNotFound' | 'FieldValueForbidden' | 'FieldValueNotSupported' | 'FieldValueTooLong';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue?: unknown;
  detail?: string;
  /** The full "<path>: <Type>: <value>: <detail>" text. */
  message: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value', FieldValueInvalid: 'Invalid value', FieldValueDuplicate: 'Duplicate value',
  FieldValueNotFound: 'Not found', FieldValueForbidden: 'Forbidden', FieldValueNotSupported: 'Unsupported value',
  FieldValueTooLong: 'Too long',
};

/** A value already rendered the way Go prints it (e.g. a struct in %#v form). */
export class GoLiteral {
  constructor(readonly text: string) {}
}

export const quote = (s: string): string => JSON.stringify(s);

/** %#v of the values validation reports: map[string]string, []string, numbers, strings. */
export function goSyntax(v: unknown): string {
  if (v instanceof GoLiteral) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]string{${v.map((x) => quote(String(x))).join(', ')}}`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[string]string{${entries.map(([k, x]) => `${quote(k)}:${quote(String(x))}`).join(', ')}}`;
}

/** Error.ErrorBody: Required/Forbidden/TooLong omit the value; strings print with %q. */
function body(type: FieldErrorType, badValue: unknown, detail?: string): string {
  let s = TYPE_TEXT[type];
  if (type !== 'FieldValueRequired' && type !== 'FieldValueForbidden' && type !== 'FieldValueTooLong') {
    s += `: ${goSyntax(badValue)}`;
  }
  return detail ? `${s}: ${detail}` : s;
}

function make(type: FieldErrorType, field: string, badValue: unknown, detail?: string): FieldError {
  const err: FieldError = { type, field, message: `${field}: ${body(type, badValue, detail)}` };
  if (badValue !== undefined) err.badValue = badValue instanceof GoLiteral ? badValue.text : badValue;
  if (detail) err.detail = detail;
  return err;
}

export const required = (field: string, detail?: string): FieldError => make('FieldValueRequired', field, undefined, detail);
export const invalid = (field: string, value: unknown, detail: string): FieldError => make('FieldValueInvalid', field, value, detail);
export const duplicate = (field: string, value: unknown): FieldError => make('FieldValueDuplicate', field, value);
export const notFound = (field: string, value: unknown): FieldError => make('FieldValueNotFound', field, value);
export const forbidden = (field: string, detail: string): FieldError => make('FieldValueForbidden', field, undefined, detail);
export const tooLong = (field: string, max: number): FieldError =>
  make('FieldValueTooLong', field, undefined, `may not be more than ${max} bytes`);
export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  return make('FieldValueNotSupported', field, value, `supported values: ${supported.map(quote).join(', ')}`);
}

/** Each message of a name check becomes one Invalid error on the same field. */
export const invalidEach = (field: string, value: unknown, msgs: string[]): FieldError[] =>
  msgs.map((m) => invalid(field, value, m));
