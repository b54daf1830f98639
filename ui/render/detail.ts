// What the request detail panel shows: header pairs from the flat lists the tunnel sends (secrets
// arrive masked), a preview of text bodies only, and the timing.
import type { CapturedBody, TrafficEvent } from '../../plugin/tunnel/types.js';
import { clockText, durationText, sizeText, truncate } from './format.js';

export function headerPairs(flat: readonly string[] | undefined): [string, string][] {
  const out: [string, string][] = [];
  if (!flat) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/** Text the terminal can show safely; binary (NUL or other control bytes) is not previewed. */
export function isPrintableText(text: string): boolean {
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/** A whole JSON body indented; anything else (a cut body too) as it came. */
export function readableText(body: CapturedBody): string {
  const looksJson = /json/i.test(body.mimeType ?? '') || /^\s*[[{]/.test(body.text);
  if (looksJson && !body.truncated) {
    try {
      return JSON.stringify(JSON.parse(body.text), null, 2);
    } catch {
      // not JSON after all
    }
  }
  return body.text;
}

function textLines(body: CapturedBody): string[] {
  return readableText(body).replace(/\r?\n$/, '').split(/\r?\n/).map((l) => l.replace(/\t/g, '  '));
}

/** Up to `maxLines` lines of a body preview, each cut to `width`; a note when there is none. */
export function previewLines(body: CapturedBody | undefined, bytes: number, width: number, maxLines: number): string[] {
  if (bytes === 0) return ['(empty)'];
  if (body === undefined || body.text === '') return [`(${sizeText(bytes)}, no preview)`];
  if (body.encoding === 'base64' || !isPrintableText(body.text)) return [`(${sizeText(bytes)} of binary data)`];
  const lines = textLines(body).map((l) => truncate(l, width));
  const shown = lines.slice(0, maxLines);
  if (lines.length > maxLines || body.truncated) shown.push('…');
  return shown;
}

export function timingText(e: TrafficEvent, utc = false): string {
  return `took ${durationText(e.durationMs)} · started ${clockText(e.start, utc)} · ${sizeText(e.bytesIn)} in, ${sizeText(e.bytesOut)} out · pod ${e.pod} · from ${e.remote}`;
}

/** Splits `total` lines between parts needing `needs` lines: small parts get all they need, the rest share fairly. */
export function shareLines(needs: number[], total: number): number[] {
  const out = needs.map(() => 0);
  let left = Math.max(0, total);
  const order = needs.map((n, i) => [n, i]).sort((a, b) => a[0] - b[0]);
  order.forEach(([need, i], k) => {
    const share = Math.floor(left / (order.length - k));
    out[i] = Math.min(need, share);
    left -= out[i];
  });
  return out;
}

export interface DetailLine {
  text: string;
  kind: 'title' | 'meta' | 'error' | 'section' | 'body';
}

/**
 * The detail panel as lines that fit `width` x `height`: title, timing, then four sections
 * (request headers and body, response headers and body) sharing the remaining lines.
 */
export function detailLines(e: TrafficEvent, width: number, height: number, utc = false, second?: { title: string; event: TrafficEvent }): DetailLine[] {
  const head: DetailLine[] = [
    { text: truncate(`${e.method ?? e.protocol.toUpperCase()} ${e.path ?? ''}`, width), kind: 'title' },
    { text: truncate(timingText(e, utc), width), kind: 'meta' },
  ];
  if (e.error) head.push({ text: truncate(`error: ${e.error}`, width), kind: 'error' });
  const answer = (a: TrafficEvent): string[] => [...headerPairs(a.responseHeaders).map(([k, v]) => `${k}: ${v}`), ...previewLines(a.responseBody, a.bytesOut, width, height)];
  const sections: [string, string[]][] = [
    ['request headers', headerPairs(e.requestHeaders).map(([k, v]) => `${k}: ${v}`)],
    ['request body', previewLines(e.requestBody, e.bytesIn, width, height)],
    ...(second
      ? ([
        [`recorded answer: ${e.status ?? 'none'} in ${durationText(e.durationMs)}`, answer(e)],
        [`${second.title}: ${second.event.error ? `failed: ${second.event.error}` : `${second.event.status} in ${durationText(second.event.durationMs)}`}`, second.event.error ? [] : answer(second.event)],
      ] as [string, string[]][])
      : ([
        ['response headers', headerPairs(e.responseHeaders).map(([k, v]) => `${k}: ${v}`)],
        ['response body', previewLines(e.responseBody, e.bytesOut, width, height)],
      ] as [string, string[]][])),
  ];
  const bodies = sections.map(([title, raw]) => (raw.length === 0 ? [title.includes('failed') ? '(no answer)' : '(none recorded)'] : raw));
  const room = shareLines(bodies.map((b) => b.length), height - head.length - sections.length);
  const out = [...head];
  sections.forEach(([title], i) => {
    const lines = bodies[i];
    const n = Math.max(1, room[i]);
    const shown = lines.length > n ? [...lines.slice(0, n - 1), `… ${lines.length - n + 1} more`] : lines;
    out.push({ text: title, kind: 'section' }, ...shown.map((t) => ({ text: truncate(t, width), kind: 'body' as const })));
  });
  return out.slice(0, Math.max(0, height));
}

/**
 * A body as recorded, whole: every line wrapped to `width` rather than cut (JSON indented), and a
 * last line when only its start was recorded. Bodies that have no text preview get previewLines' note.
 */
export function wholeBodyLines(body: CapturedBody | undefined, bytes: number, width: number): string[] {
  if (bytes === 0 || !body || body.encoding === 'base64' || !isPrintableText(body.text)) return previewLines(body, bytes, width, 1);
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const text of textLines(body)) {
    if (text === '') out.push('');
    for (let i = 0; i < text.length; i += w) out.push(text.slice(i, i + w));
  }
  const recorded = Buffer.byteLength(body.text);
  if (body.truncated || recorded < bytes) out.push(`… only the first ${sizeText(recorded)} of ${sizeText(bytes)} were recorded`);
  return out;
}
