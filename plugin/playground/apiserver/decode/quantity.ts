// resource.Quantity as kube-apiserver reads and writes it
// (k8s.io/apimachinery/pkg/api/resource/quantity.go, suffix.go, amount.go): ParseQuantity's
// scanner, suffixes and errors, rounding up to nano units, and the canonical form String()
// writes back (`1000m` -> `1`, `0.5` -> `500m`, `1024Mi` -> `1Gi`). A parsed string already in
// canonical form is kept as written, as Quantity caches it.

const splitREString = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const errFormatWrong = `quantities must match the regular expression '${splitREString}'`;
export const errNumeric = 'unable to parse numeric part of quantity';
export const errSuffix = "unable to parse quantity's suffix";

export class QuantityError extends Error {}

type Format = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binary: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExp = new Map(Object.entries(decimal).map(([s, e]) => [e, s]));
const binaryByExp = new Map([[0, ''], ...Object.entries(binary).map(([s, e]): [number, string] => [e / 10, s])]);

const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** parseQuantityString: sign, numerator, denominator, the prefix that is the number, the suffix. */
function scan(str: string): { positive: boolean; value: string; num: string; denom: string; suffix: string } {
  let positive = true;
  let pos = 0;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < str.length && str[pos] === '0') pos++;
  if (pos >= str.length) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < str.length && digit(str[i])) i++;
  if (i >= str.length) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  const num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < str.length && digit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= str.length) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < str.length && 'eEinumkKMGTP'.includes(str[pos])) pos++;
  if (pos < str.length && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < str.length && digit(str[pos])) pos++;
  if (pos < str.length) throw new QuantityError(errFormatWrong);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

function interpret(suffix: string): { base: 10 | 2; exponent: number; format: Format } {
  if (suffix in decimal) return { base: 10, exponent: decimal[suffix], format: 'DecimalSI' };
  if (suffix in binary) return { base: 2, exponent: binary[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
  }
  throw new QuantityError(errSuffix);
}

const maxInt64 = (1n << 63n) - 1n;
const abs = (n: bigint): bigint => (n < 0n ? -n : n);

/** A decimal amount: unscaled * 10^exp. */
interface Amount { unscaled: bigint; exp: number }

function removeFactors(n: bigint, base: bigint): [bigint, number] {
  const neg = n < 0n;
  let v = abs(n);
  let times = 0;
  while (v >= base && v % base === 0n) {
    v /= base;
    times++;
  }
  return [neg ? -v : v, times];
}

/** Rounds away from zero to an integer; exact tells whether nothing was lost. */
function toInteger(a: Amount): { value: bigint; exact: boolean } {
  if (a.exp >= 0) return { value: a.unscaled * 10n ** BigInt(a.exp), exact: true };
  const div = 10n ** BigInt(-a.exp);
  const q = abs(a.unscaled) / div;
  const exact = abs(a.unscaled) % div === 0n;
  const rounded = exact ? q : q + 1n;
  return { value: a.unscaled < 0n ? -rounded : rounded, exact };
}

/** CanonicalizeBytes: the mantissa and suffix String() writes. */
function canonical(a: Amount, format: Format): string {
  if (a.unscaled === 0n) return '0';
  if (format === 'BinarySI') {
    const int = toInteger(a);
    const small = int.exact && abs(int.value) < 1024n;
    if (int.exact && !small) {
      const [mantissa, times] = removeFactors(int.value, 1024n);
      return `${mantissa}${binaryByExp.get(times) ?? ''}`;
    }
    format = 'DecimalSI';
  }
  const [stripped, times] = removeFactors(a.unscaled, 10n);
  let mantissa = stripped;
  let exp = a.exp + times;
  while (exp % 3 !== 0) {
    mantissa *= 10n;
    exp--;
  }
  // A DecimalSI exponent without a suffix (beyond E) loses its suffix in Go as well.
  const suffix = format === 'DecimalSI' ? decimalByExp.get(exp) ?? '' : exp === 0 ? '' : `e${exp}`;
  return `${mantissa}${suffix}`;
}

/** ParseQuantity(str).String(): the form the server stores and returns; throws QuantityError. */
export function canonicalQuantity(str: string): string {
  if (str.length === 0) throw new QuantityError(errFormatWrong);
  if (str === '0') return str;
  const { positive, value, num, denom, suffix } = scan(str);
  const { base, exponent, format } = interpret(suffix);
  // The int64 fast path, whose result keeps the input string when it is already canonical.
  const precision = format === 'BinarySI'
    ? (exponent >= 0 && denom.length === 0 ? 15 - num.length - Math.trunc((exponent * 3) / 10) - 1 : -1)
    : 18 - (num.length + denom.length);
  if (precision >= 0) {
    const scale = (format === 'BinarySI' ? 0 : exponent) - denom.length;
    if (scale >= -9) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      if (v > maxInt64) throw new QuantityError(errNumeric);
      const mantissa = format === 'BinarySI' ? 1n << BigInt(exponent) : 1n;
      const result = v * mantissa;
      if (result <= maxInt64) {
        const cached = format === 'BinarySI'
          ? exponent % 10 === 0 && (v & 7n) !== 0n
          : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        if (cached) return str;
        return canonical({ unscaled: positive ? result : -result, exp: scale }, format);
      }
    }
  }
  // The inf.Dec path: exact arithmetic, rounded up to a multiple of 1n, BinarySI capped.
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new QuantityError(errNumeric);
  const frac = m[3] ?? '';
  let a: Amount = { unscaled: BigInt(`${m[2]}${frac}` || '0'), exp: -frac.length };
  if (base === 10) a.exp += exponent;
  else a.unscaled *= 1n << BigInt(exponent);
  if (a.unscaled !== 0n && a.exp < -9) {
    const div = 10n ** BigInt(-9 - a.exp);
    a = { unscaled: a.unscaled / div + (a.unscaled % div === 0n ? 0n : 1n), exp: -9 };
  }
  let fmt = format;
  if (fmt === 'BinarySI') {
    const int = toInteger(a);
    if (int.value > maxInt64) a = { unscaled: maxInt64, exp: 0 };
    if (a.unscaled !== 0n && !(int.value > 1n || (int.value === 1n && int.exact))) fmt = 'DecimalSI';
  }
  const signed = m[1] === '-' ? -a.unscaled : a.unscaled;
  return canonical({ unscaled: signed, exp: a.exp }, fmt);
}

/** Quantity.String() of `unscaled * 10^exp` in a format (for sums and defaults the server writes). */
export function formatQuantity(unscaled: bigint, exp: number, format: Format): string {
  return canonical({ unscaled, exp }, format);
}

export type QuantityFormat = Format;
