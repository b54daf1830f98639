// Kubernetes objects arrive here as decoded JSON of any shape (validation must cope with wrong
// types), so the validators read them through this one loose alias.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = any;

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const list = (v: unknown): Obj[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
