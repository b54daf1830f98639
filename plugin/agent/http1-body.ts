// Finds where an HTTP/1.x body ends in a byte stream (RFC 9112 §6-§7), incrementally: the relay
// forwards raw bytes to the app and needs only the boundary; a request sent to the laptop needs the
// decoded data and the trailers too. One reader gives both.
import type { Framing } from './http1-head.js';

export interface BodyStep {
  /** Bytes of the input that belong to this body (raw, as framed on the wire). */
  consumed: number;
  /** The body's content in those bytes (chunk framing removed). */
  data: Buffer[];
  done: boolean;
  /** Trailer fields (flat raw list), once done, for a chunked body. */
  trailers?: string[];
  /** Set when the framing is broken; the connection cannot go on. */
  error?: string;
}

/** Longest chunk-size line or trailer section this reader keeps while waiting for its end. */
const MAX_LINE = 16 * 1024;

type ChunkState = 'size' | 'data' | 'data-crlf' | 'trailers';

export class BodyReader {
  private remaining: number;
  private state: ChunkState = 'size';
  private line = '';
  private trailerLines: string[] = [];
  private finished: boolean;

  constructor(private readonly framing: Framing) {
    this.remaining = framing.kind === 'length' ? framing.length : 0;
    this.finished = framing.kind === 'none';
  }

  get done(): boolean {
    return this.finished;
  }

  /** For an until-close body: the peer closed, so the body is complete. */
  endOfInput(): boolean {
    if (this.framing.kind === 'until-close') this.finished = true;
    return this.finished;
  }

  feed(buf: Buffer): BodyStep {
    if (this.finished) return { consumed: 0, data: [], done: true };
    switch (this.framing.kind) {
      case 'until-close':
        return { consumed: buf.length, data: buf.length > 0 ? [buf] : [], done: false };
      case 'length': {
        const n = Math.min(this.remaining, buf.length);
        this.remaining -= n;
        this.finished = this.remaining === 0;
        return { consumed: n, data: n > 0 ? [buf.subarray(0, n)] : [], done: this.finished };
      }
      case 'chunked':
        return this.feedChunked(buf);
      default:
        return { consumed: 0, data: [], done: true };
    }
  }

  private feedChunked(buf: Buffer): BodyStep {
    const data: Buffer[] = [];
    let i = 0;
    const fail = (error: string): BodyStep => ({ consumed: i, data, done: false, error });
    while (i < buf.length && !this.finished) {
      if (this.state === 'data') {
        const n = Math.min(this.remaining, buf.length - i);
        data.push(buf.subarray(i, i + n));
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'data-crlf';
        continue;
      }
      const nl = buf.indexOf(0x0a, i);
      const end = nl < 0 ? buf.length : nl + 1;
      this.line += buf.toString('latin1', i, end);
      i = end;
      if (this.line.length > MAX_LINE) return fail('a chunk line or trailer section too long');
      if (nl < 0) break;
      if (!this.line.endsWith('\r\n')) return fail('a bare LF in chunked framing');
      const line = this.line.slice(0, -2);
      this.line = '';
      if (this.state === 'data-crlf') {
        if (line !== '') return fail('chunk data longer than its size');
        this.state = 'size';
      } else if (this.state === 'size') {
        // chunk-size [ chunk-ext ]: extensions are ignored (RFC 9112 §7.1.1).
        const m = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!m) return fail(`an invalid chunk size ${JSON.stringify(line.slice(0, 20))}`);
        this.remaining = parseInt(m[1], 16);
        this.state = this.remaining === 0 ? 'trailers' : 'data';
      } else if (line === '') {
        this.finished = true;
      } else {
        this.trailerLines.push(line);
        if (this.trailerLines.length > 256) return fail('too many trailer fields');
      }
    }
    if (!this.finished) return { consumed: i, data, done: false };
    return { consumed: i, data, done: true, trailers: trailerPairs(this.trailerLines) };
  }
}

function trailerPairs(lines: string[]): string[] {
  const raw: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    raw.push(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return raw;
}
