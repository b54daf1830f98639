// The request filter typed after `/` in the TUI and given to `replay --filter`: words that must
// all match; `status:5xx`, `status:404`, `status:err` and `method:POST` test one field, any other
// word is looked for (case-insensitively) in the method, path, status and pod.

export interface Filterable {
  method?: string;
  path?: string;
  status?: number;
  error?: string;
  pod?: string;
  /** What to show for a request without a method (raw TCP): its protocol. */
  protocol?: string;
}

type Test = (r: Filterable) => boolean;

function statusText(r: Filterable): string {
  if (r.error) return 'ERR';
  return r.status !== undefined ? String(r.status) : '-';
}

function statusTest(spec: string): Test {
  const s = spec.toLowerCase();
  if (s === 'err' || s === 'error') return (r) => r.error !== undefined;
  // `5xx`, `50x`: an x stands for any digit.
  if (/^[1-5][0-9x]{2}$/.test(s)) {
    const re = new RegExp(`^${s.replace(/x/g, '\\d')}$`);
    return (r) => r.error === undefined && r.status !== undefined && re.test(String(r.status));
  }
  return (r) => statusText(r).toLowerCase().includes(s);
}

function wordTest(word: string): Test {
  const lower = word.toLowerCase();
  const colon = lower.indexOf(':');
  if (colon > 0) {
    const key = lower.slice(0, colon);
    const value = word.slice(colon + 1);
    if (key === 'status') return statusTest(value);
    if (key === 'method') return (r) => (r.method ?? r.protocol ?? '').toLowerCase() === value.toLowerCase();
  }
  return (r) => [r.method ?? r.protocol ?? '', r.path ?? '', statusText(r), r.pod ?? ''].some((s) => s.toLowerCase().includes(lower));
}

/** A predicate for the filter text; an empty text keeps everything. */
export function requestFilter(text: string): Test {
  const tests = text.trim().split(/\s+/).filter(Boolean).map(wordTest);
  return (r) => tests.every((t) => t(r));
}
