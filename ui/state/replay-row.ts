// The row `r` adds: the replayed request's answer from the local process, shaped like a traffic
// record (masked, its body kept as the tunnel keeps bodies) and marked with the row it replays.
import { randomUUID } from 'node:crypto';
import type { ReplayAnswer } from '../../plugin/har/replay.js';
import { maskHeaders } from '../../plugin/tunnel/redact.js';
import { BodyCollector, captureBody, headerValue } from '../../plugin/tunnel/traffic.js';
import type { TrafficRow } from './traffic.js';

/** Bytes of a replayed answer's body the row keeps. */
export const REPLAY_BODY_BYTES = 64 * 1024;

export function replayRow(original: TrafficRow, answer: ReplayAnswer | { error: string }, start: number): TrafficRow {
  const { secrets: _, responseHeaders: _h, responseBody: _b, status: _s, statusText: _t, error: _e, timings: _tm, ...request } = original;
  const row: TrafficRow = { ...request, id: `replay-${randomUUID()}`, replayOf: original.replayOf ?? original.id, pod: 'replay', remote: 'kubectl-intercept', start, bytesOut: 0 };
  if ('error' in answer) return { ...row, durationMs: Date.now() - start, error: answer.error };
  const body = new BodyCollector(REPLAY_BODY_BYTES);
  body.add(answer.body);
  const kept = body.bytes();
  return {
    ...row,
    durationMs: answer.durationMs,
    status: answer.status,
    ...(answer.statusText ? { statusText: answer.statusText } : {}),
    responseHeaders: maskHeaders(answer.headers),
    bytesOut: answer.body.length,
    ...(kept ? { responseBody: captureBody(kept, body.cut, headerValue(answer.headers, 'content-type'), headerValue(answer.headers, 'content-encoding')) } : {}),
  };
}
