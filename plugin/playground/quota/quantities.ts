// Arithmetic on resource quantities as the quota and LimitRanger code does it
// (k8s.io/apimachinery/pkg/api/resource Quantity Add/Cmp/Value/MilliValue/String): amounts are
// held exactly in nano units, a sum keeps its first non-zero operand's format, Value and
// MilliValue round up.
import { canonicalQuantity, formatQuantity, type QuantityFormat } from '../apiserver/decode/quantity.js';

export interface Quantity {
  nano: bigint;
  format: QuantityFormat;
}

export type ResourceList = Record<string, Quantity>;

const decimalExp: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binaryShift: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** ParseQuantity: throws on a malformed string (the API server's decoding has refused those already). */
export function parseQuantity(text: string): Quantity {
  const canonical = canonicalQuantity(String(text).trim());
  const m = /^(-?\d+)(.*)$/.exec(canonical);
  if (!m) throw new Error(`unparsable quantity ${text}`);
  const mantissa = BigInt(m[1]);
  const suffix = m[2];
  if (suffix in binaryShift) return { nano: mantissa * (1n << BigInt(binaryShift[suffix])) * 10n ** 9n, format: 'BinarySI' };
  if (suffix in decimalExp) return { nano: scale(mantissa, decimalExp[suffix] + 9), format: 'DecimalSI' };
  return { nano: scale(mantissa, Number(suffix.slice(1)) + 9), format: 'DecimalExponent' };
}

function scale(v: bigint, exp: number): bigint {
  return exp >= 0 ? v * 10n ** BigInt(exp) : v / 10n ** BigInt(-exp);
}

export const zero = (): Quantity => ({ nano: 0n, format: 'DecimalSI' });

export function add(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.nano === 0n ? b.format : a.format };
}

export function subtract(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano - b.nano, format: a.nano === 0n ? b.format : a.format };
}

export function cmp(a: Quantity, b: Quantity): number {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

function ceilDiv(n: bigint, d: bigint): bigint {
  return n >= 0n ? (n + d - 1n) / d : n / d;
}

/** Value(): whole units, rounded up. */
export const value = (q: Quantity): bigint => ceilDiv(q.nano, 10n ** 9n);
/** MilliValue(): thousandths, rounded up. */
export const milliValue = (q: Quantity): bigint => ceilDiv(q.nano, 10n ** 6n);

export function formatQ(q: Quantity): string {
  return formatQuantity(q.nano, -9, q.format);
}

/** A ResourceList from a Kubernetes object's map of strings (requests, hard, ...). */
export function resourceList(map: unknown): ResourceList {
  const out: ResourceList = {};
  if (typeof map !== 'object' || map === null) return out;
  for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = parseQuantity(String(v));
  }
  return out;
}

export function toStrings(list: ResourceList): Record<string, string> {
  return Object.fromEntries(Object.keys(list).sort().map((k) => [k, formatQ(list[k])]));
}

/** quota.Add: every key of either list, summed where both have it. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? add(out[k], v) : v;
  return out;
}

/** quota.Mask: only the named keys. */
export function mask(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = {};
  for (const n of names) if (n in list) out[n] = list[n];
  return out;
}

/** maxResourceList: each key of `b` raised into `a` where larger (or missing). */
export function maxInto(a: ResourceList, b: ResourceList): void {
  for (const [k, v] of Object.entries(b)) if (!(k in a) || cmp(v, a[k]) > 0) a[k] = v;
}
