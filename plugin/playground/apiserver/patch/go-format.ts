// Go's fmt `%v` rendering of decoded JSON values (map[string]interface{}, []interface{}, float64,
// string, bool, nil), because apimachinery's patch errors print the offending map with `%v`
// (mergepatch/errors.go ErrNoMergeKey: "map: %v does not contain declared merge key: %s").

/** fmt's %v for float64 = strconv 'g' with shortest precision: exponent form when exp < -4 || exp >= 6. */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  // strconv/ftoa.go: "if precision was the shortest possible, use precision 6 for this decision"
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mantissa}e${sign}${abs < 10 ? `0${abs}` : abs}`;
  }
  return String(n);
}

export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  const obj = v as Record<string, unknown>;
  // Go sorts map keys when printing
  const keys = Object.keys(obj).sort();
  return `map[${keys.map((k) => `${k}:${goValue(obj[k])}`).join(' ')}]`;
}
