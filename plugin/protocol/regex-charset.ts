// Sets of UTF-16 code units for the linear-time regex matcher: sorted, merged inclusive ranges,
// with the classes JavaScript's RegExp gives \d, \w, \s and `.` when no flag is set.

/** Flat inclusive ranges [lo0, hi0, lo1, hi1, ...], sorted, not overlapping, not touching. */
export type CharSet = readonly number[];

const LAST_CODE_UNIT = 0xffff;

/** Sorts and merges any list of inclusive ranges. */
export function normalize(pairs: readonly number[]): number[] {
  const ranges: [number, number][] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) ranges.push([pairs[i], pairs[i + 1]]);
  ranges.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [lo, hi] of ranges) {
    if (out.length > 0 && lo <= out[out.length - 1] + 1) out[out.length - 1] = Math.max(out[out.length - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

export function negate(set: CharSet): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i] > next) out.push(next, set[i] - 1);
    next = set[i + 1] + 1;
  }
  if (next <= LAST_CODE_UNIT) out.push(next, LAST_CODE_UNIT);
  return out;
}

/** Binary search over the ranges. */
export function contains(set: CharSet, code: number): boolean {
  let lo = 0;
  let hi = set.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (code < set[2 * mid]) hi = mid - 1;
    else if (code > set[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

export const DIGIT: CharSet = [0x30, 0x39];
export const WORD: CharSet = normalize([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
/** WhiteSpace and LineTerminator of ECMA-262 (tc39/ecma262 spec.html, "WhiteSpace"; Zs of Unicode 15). */
export const SPACE: CharSet = normalize([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029,
  0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
]);
/** `.` without the s flag: anything but a line terminator. */
export const DOT: CharSet = negate([0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]);

const CLASS_ESCAPES = { d: DIGIT, w: WORD, s: SPACE };

/** The set of a class escape letter (d D w W s S), or undefined for any other letter. */
export function classEscape(letter: string): CharSet | undefined {
  const base = (CLASS_ESCAPES as Record<string, CharSet | undefined>)[letter.toLowerCase()];
  if (base === undefined) return undefined;
  return letter === letter.toLowerCase() ? base : negate(base);
}
