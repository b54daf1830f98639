// Conversions the versioned-to-internal step of decoding performs. Secret.stringData is
// write-only: Convert_v1_Secret_To_core_Secret (kubernetes pkg/apis/core/v1/conversion.go)
// copies each entry into data as bytes (overwriting data's key) and the internal Secret has no
// stringData, so it is never stored or returned.
type Obj = Record<string, unknown>;

export function convertToInternal(kind: string, obj: Obj): Obj {
  if (kind !== 'Secret' || obj.stringData === undefined) return obj;
  const { stringData, ...rest } = obj;
  const entries = Object.entries((stringData ?? {}) as Record<string, string>);
  if (entries.length === 0) return rest;
  const data = { ...((rest.data ?? {}) as Record<string, string>) };
  for (const [key, value] of entries) data[key] = Buffer.from(value, 'utf8').toString('base64');
  return { ...rest, data };
}
