// Turns traffic records into fixed-width table rows: column widths for a terminal width, one
// row's cells (truncated to fit), and the filter typed after `/`.
import type { TrafficEvent } from '../../plugin/tunnel/types.js';
import { requestFilter } from '../../plugin/har/filter.js';
import type { TrafficRow } from '../state/traffic.js';
import { clockText, durationText, fit, sizeText, truncateStart } from './format.js';

export interface Columns {
  time: number;
  method: number;
  path: number;
  status: number;
  duration: number;
  size: number;
  pod: number;
}

const FIXED = { time: 8, method: 6, status: 3, duration: 6, size: 6 };
const GAPS = 6;

/** Widths for a table `width` columns wide: path and pod share what the fixed columns leave. */
export function columnsFor(width: number): Columns {
  const rest = Math.max(8, width - (FIXED.time + FIXED.method + FIXED.status + FIXED.duration + FIXED.size + GAPS));
  const pod = Math.min(28, Math.max(4, Math.floor(rest * 0.35)));
  return { ...FIXED, pod, path: Math.max(4, rest - pod) };
}

export interface RowCells {
  time: string;
  method: string;
  path: string;
  status: string;
  duration: string;
  size: string;
  pod: string;
}

/** What a request's status column says: the code, ERR for a failure, `-` for raw TCP. */
export function statusCell(e: Pick<TrafficEvent, 'status' | 'error'>): string {
  if (e.error) return 'ERR';
  return e.status !== undefined ? String(e.status) : '-';
}

export function rowCells(e: TrafficRow, cols: Columns, utc = false): RowCells {
  // A mirrored copy is marked where the eye starts: its answer never reached the caller.
  const method = `${e.mirror ? '⧉' : ''}${e.method ?? e.protocol.toUpperCase()}`;
  const path = e.path ?? (e.error ? e.error : `${sizeText(e.bytesIn)} in`);
  return {
    time: fit(clockText(e.start, utc), cols.time),
    method: fit(method, cols.method),
    path: fit(path, cols.path),
    status: fit(statusCell(e), cols.status, 'right'),
    duration: fit(durationText(e.durationMs), cols.duration, 'right'),
    size: fit(sizeText(e.bytesOut), cols.size, 'right'),
    pod: truncateStart(e.replayOf ? '↻ replay' : e.pod, cols.pod).padEnd(cols.pod),
  };
}

export function headerCells(cols: Columns): RowCells {
  return {
    time: fit('TIME', cols.time),
    method: fit('METHOD', cols.method),
    path: fit('PATH', cols.path),
    status: fit('ST', cols.status, 'right'),
    duration: fit('TIME', cols.duration, 'right'),
    size: fit('SIZE', cols.size, 'right'),
    pod: fit('POD', cols.pod),
  };
}

let compiled: { text: string; test: (e: TrafficEvent) => boolean } | undefined;

/** The `/` filter (plugin/har/filter.ts: words, `status:5xx`, `method:POST`); an empty one keeps all. */
export function matchesFilter(e: TrafficEvent, filter: string): boolean {
  if (filter === '') return true;
  if (compiled?.text !== filter) compiled = { text: filter, test: requestFilter(filter) };
  return compiled.test(e);
}

/** Which slice of `count` rows to show in `height` lines so that `selected` stays visible. */
export function visibleWindow(count: number, height: number, selected: number | undefined): { from: number; to: number } {
  if (height <= 0 || count === 0) return { from: 0, to: 0 };
  if (selected === undefined) return { from: Math.max(0, count - height), to: count };
  const from = Math.max(0, Math.min(selected - height + 1, count - height));
  return { from, to: Math.min(count, from + height) };
}
