// `replay`'s lines: each request with its recorded answer and the new one side by side (status,
// size, time) and whether the status differs. Pure.
import type { ReplayAnswer, ReplayRequest } from '../../har/replay.js';
import type { HarEntry } from '../../har/types.js';
import { sizeText } from '../../../ui/render/format.js';
import { durationText } from './events.js';

const REQUEST_WIDTH = 44;

function cell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function answerCell(status: number | string, bytes: number, ms: number): string {
  return `${String(status).padStart(3)} ${sizeText(bytes).padStart(6)} ${durationText(ms).padStart(6)}`;
}

export function replayHeader(): string {
  return `${'#'.padStart(3)}  ${cell('REQUEST', REQUEST_WIDTH)}  ${cell('RECORDED', 17)}  REPLAYED\n`;
}

export function replayLine(n: number, entry: HarEntry, req: ReplayRequest, answer: ReplayAnswer | { error: string }): string {
  const recorded = answerCell(entry.response.status || 'ERR', Math.max(0, entry.response.bodySize), entry.time);
  const what = cell(`${req.method} ${req.target}`, REQUEST_WIDTH);
  const notes: string[] = [];
  let replayed: string;
  if ('error' in answer) {
    replayed = `not sent: ${answer.error}`;
  } else {
    replayed = answerCell(answer.status, answer.body.length, answer.durationMs);
    if (answer.status !== entry.response.status) notes.push('status differs');
  }
  if (req.body.length < req.recordedBodyBytes) notes.push(`body cut in the recording: sent ${sizeText(req.body.length)} of ${sizeText(req.recordedBodyBytes)}`);
  return `${String(n).padStart(3)}  ${what}  ${recorded}  ${replayed}${notes.length ? `  ${notes.join('; ')}` : ''}\n`;
}

export function replaySummary(total: number, failed: number, differ: number, to: string): string {
  const sent = total - failed;
  const parts = [`replayed ${sent} of ${total} requests to ${to}`];
  if (differ > 0) parts.push(`${differ} answered with another status than recorded`);
  if (failed > 0) parts.push(`${failed} could not be sent: is the local process listening on ${to}?`);
  return parts.join('; ') + '\n';
}
