// HTTP/2 frames (RFC 9113 §4.1, §6) as the relay sees them: a reader that cuts a byte stream
// into frames without copying, and builders for the few frames the agent writes itself.

export const FRAME = {
  DATA: 0, HEADERS: 1, PRIORITY: 2, RST_STREAM: 3, SETTINGS: 4, PUSH_PROMISE: 5, PING: 6, GOAWAY: 7,
  WINDOW_UPDATE: 8, CONTINUATION: 9,
} as const;

export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;

/** Error codes (RFC 9113 §7). */
export const H2_ERROR = { NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, FLOW_CONTROL_ERROR: 3, REFUSED_STREAM: 7, CANCEL: 8, COMPRESSION_ERROR: 9 } as const;

export const SETTING = { HEADER_TABLE_SIZE: 1, INITIAL_WINDOW_SIZE: 4, MAX_FRAME_SIZE: 5 } as const;

/** The client connection preface (RFC 9113 §3.4). */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export const FRAME_HEADER = 9;
export const DEFAULT_WINDOW = 65535;
export const DEFAULT_MAX_FRAME = 16384;

export interface Frame {
  type: number;
  flags: number;
  stream: number;
  /** The payload, a view into the received bytes. */
  payload: Buffer;
  /** Header and payload as received, to pass on untouched. */
  raw: Buffer;
}

/** Cuts received bytes into whole frames; a frame split across reads waits for its rest. */
export class FrameReader {
  private rest: Buffer | undefined;

  read(chunk: Buffer, onFrame: (frame: Frame) => boolean): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    let pos = 0;
    while (buf.length - pos >= FRAME_HEADER) {
      const length = buf.readUIntBE(pos, 3);
      const end = pos + FRAME_HEADER + length;
      if (end > buf.length) break;
      const frame: Frame = {
        type: buf[pos + 3], flags: buf[pos + 4], stream: buf.readUInt32BE(pos + 5) & 0x7fffffff,
        payload: buf.subarray(pos + FRAME_HEADER, end), raw: buf.subarray(pos, end),
      };
      if (!onFrame(frame)) {
        // Held (flow control): this frame and the rest wait for resume().
        this.rest = buf.subarray(pos);
        return;
      }
      pos = end;
    }
    if (pos < buf.length) this.rest = buf.subarray(pos);
  }

  /** Frames held back by a false from onFrame, given again. */
  resume(onFrame: (frame: Frame) => boolean): void {
    const held = this.rest;
    this.rest = undefined;
    if (held) this.read(held, onFrame);
  }
}

export function frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out[3] = type;
  out[4] = flags;
  out.writeUInt32BE(stream, 5);
  payload.copy(out, FRAME_HEADER);
  return out;
}

export function windowUpdate(stream: number, increment: number): Buffer {
  const p = Buffer.allocUnsafe(4);
  p.writeUInt32BE(increment, 0);
  return frame(FRAME.WINDOW_UPDATE, 0, stream, p);
}

export function rstStream(stream: number, code: number): Buffer {
  const p = Buffer.allocUnsafe(4);
  p.writeUInt32BE(code, 0);
  return frame(FRAME.RST_STREAM, 0, stream, p);
}

export function goaway(lastStream: number, code: number): Buffer {
  const p = Buffer.allocUnsafe(8);
  p.writeUInt32BE(lastStream, 0);
  p.writeUInt32BE(code, 4);
  return frame(FRAME.GOAWAY, 0, 0, p);
}

/** A header block as HEADERS plus CONTINUATION frames no larger than the peer takes. */
export function headerFrames(stream: number, block: Buffer, endStream: boolean, maxFrame: number, priority?: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  const firstRoom = maxFrame - (priority ? priority.length : 0);
  let first = block.subarray(0, firstRoom);
  if (priority) first = Buffer.concat([priority, first]);
  let pos = Math.min(firstRoom, block.length);
  const last = pos >= block.length;
  frames.push(frame(FRAME.HEADERS, (endStream ? FLAG.END_STREAM : 0) | (last ? FLAG.END_HEADERS : 0) | (priority ? FLAG.PRIORITY : 0), stream, first));
  while (pos < block.length) {
    const part = block.subarray(pos, pos + maxFrame);
    pos += part.length;
    frames.push(frame(FRAME.CONTINUATION, pos >= block.length ? FLAG.END_HEADERS : 0, stream, part));
  }
  return frames;
}

/** The field block fragment and priority fields of a HEADERS payload (§6.2). */
export function headersFragment(flags: number, payload: Buffer): { fragment: Buffer; priority?: Buffer } {
  let start = 0;
  let end = payload.length;
  if (flags & FLAG.PADDED) {
    start = 1;
    end -= payload[0];
  }
  let priority: Buffer | undefined;
  if (flags & FLAG.PRIORITY) {
    priority = payload.subarray(start, start + 5);
    start += 5;
  }
  if (end < start) throw new Error('padding longer than the frame');
  return { fragment: payload.subarray(start, end), priority };
}

/** The data of a DATA payload without its padding (§6.1). */
export function dataOf(flags: number, payload: Buffer): Buffer {
  if (!(flags & FLAG.PADDED)) return payload;
  const end = payload.length - payload[0];
  if (end < 1) throw new Error('padding longer than the frame');
  return payload.subarray(1, end);
}
