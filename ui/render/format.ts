// Small pure formatters the TUI shows everywhere: durations, sizes, clock times, status colours
// and width-bounded text. No Ink here, so they are tested with plain tables of cases.

/** Ink colour names used by the traffic view. */
export type Colour = 'green' | 'cyan' | 'yellow' | 'red' | 'magenta' | 'gray';

/** 2xx green, 3xx cyan, 4xx yellow, 5xx and transport errors red, no status (raw TCP) gray. */
export function statusColour(status: number | undefined, error?: string): Colour {
  if (error) return 'red';
  if (status === undefined) return 'gray';
  if (status >= 500) return 'red';
  if (status >= 400) return 'yellow';
  if (status >= 300) return 'cyan';
  if (status >= 100) return 'green';
  return 'gray';
}

/** `850µs`, `12ms`, `1.2s`, `2m05s`. */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** `0B`, `512B`, `3.4kB`, `12MB` (decimal units, like HTTP tools print them). */
export function sizeText(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '-';
  if (bytes < 1000) return `${Math.round(bytes)}B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[i]}`;
}

/** Local wall-clock time `HH:MM:SS` of an epoch-milliseconds instant. */
export function clockText(epochMs: number, utc = false): string {
  const d = new Date(epochMs);
  const parts = utc ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()] : [d.getHours(), d.getMinutes(), d.getSeconds()];
  return parts.map((n) => String(n).padStart(2, '0')).join(':');
}

/** Cuts text to `width` columns, marking the cut with `…`; never returns more than width chars. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  // Control characters would move the cursor: a request path is attacker-controlled text.
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  if (clean.length <= width) return clean;
  return width === 1 ? '…' : clean.slice(0, width - 1) + '…';
}

/** Cuts from the left, keeping the end (`…7d9f8b6c5-abcde`): a pod name's suffix tells pods apart. */
export function truncateStart(text: string, width: number): string {
  const t = truncate(text, Number.MAX_SAFE_INTEGER);
  if (width <= 0) return '';
  if (t.length <= width) return t;
  return width === 1 ? '…' : '…' + t.slice(t.length - width + 1);
}

/** Truncates, then pads to exactly `width` columns (left- or right-aligned). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(text, width);
  return align === 'left' ? t.padEnd(width) : t.padStart(width);
}
