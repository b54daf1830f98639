// The pod-template hash the Deployment and StatefulSet controllers put in names and labels.
// Follows kubernetes pkg/controller/controller_utils.go ComputeHash: FNV-32a over the template, then
// the collisionCount as 8 little-endian bytes, printed in decimal and passed through
// apimachinery's rand.SafeEncodeString. The real one hashes Go's spew dump of the struct; we hash a
// canonical JSON (sorted keys) instead, so the values differ from a real cluster's but have the
// same shape and the same properties (stable, changes with the template and collisionCount).

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery/pkg/util/rand SafeEncodeString: maps each character onto a vowel-free alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHANUMS[ch.codePointAt(0)! % SAFE_ALPHANUMS.length];
  return out;
}

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted, so equal objects hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Drops nulls, empty objects and empty lists, recursively: Go decodes them all to zero values,
 * which apimachinery's semantic DeepEqual (and the hash of the decoded struct) cannot tell apart
 * from absent fields. `kubectl rollout undo` sends `creationTimestamp: null` and `resources: {}`.
 */
export function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(pruneEmpty);
    return items;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = pruneEmpty(v);
      if (p === null || p === undefined) continue;
      if (Array.isArray(p) && p.length === 0) continue;
      if (typeof p === 'object' && !Array.isArray(p) && Object.keys(p as object).length === 0) continue;
      out[k] = p;
    }
    return out;
  }
  return value;
}

/** Canonical JSON of an object as Go would see it once decoded (see pruneEmpty). */
export function semanticJson(value: unknown): string {
  return canonicalJson(pruneEmpty(value));
}

export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(semanticJson(template), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = Buffer.alloc(8);
    extra.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(extra, h);
  }
  return safeEncodeString(String(h));
}
