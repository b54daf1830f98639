// SPDY/3.1 frames: parsing a byte stream into frames and encoding frames, with the header blocks
// compressed by one persistent zlib context per direction (draft-mbelshe-httpbis-spdy-00 and the
// SPDY/3.1 draft). Only what kubectl's port-forward session (moby/spdystream) uses is decoded in
// full; other control frames are surfaced by type so the session can ignore them.
import zlib from 'node:zlib';
import { spdy3Dictionary } from './spdy-dictionary.js';

export const frameTypes = {
  synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goaway: 7, headers: 8, windowUpdate: 9,
} as const;

export const flagFin = 0x01;
export const flagUnidirectional = 0x02;

/** RST_STREAM status codes. */
export const rstStatus = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6, streamInUse: 8, streamAlreadyClosed: 9 } as const;

export type Headers = Record<string, string>;

export type Frame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'syn_stream'; streamId: number; assocId: number; priority: number; fin: boolean; unidirectional: boolean; headers: Headers }
  | { type: 'syn_reply'; streamId: number; fin: boolean; headers: Headers }
  | { type: 'headers'; streamId: number; fin: boolean; headers: Headers }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'other'; controlType: number };

/**
 * One direction's zlib context. Every header block is ended with Z_SYNC_FLUSH and the context
 * is never reset, so later blocks refer back to earlier ones (as spdystream's compressor does).
 */
class ZlibContext {
  private readonly stream: zlib.Inflate | zlib.Deflate;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(kind: 'inflate' | 'deflate') {
    const options = { dictionary: spdy3Dictionary, flush: zlib.constants.Z_SYNC_FLUSH };
    this.stream = kind === 'inflate' ? zlib.createInflate(options) : zlib.createDeflate(options);
  }

  /** Runs input through the context; calls are serialised so blocks never interleave. */
  run(input: Buffer): Promise<Buffer> {
    const result = this.queue.then(() => new Promise<Buffer>((resolve, reject) => {
      const output: Buffer[] = [];
      const onData = (chunk: Buffer) => output.push(chunk);
      const onError = (err: Error) => {
        this.stream.off('data', onData);
        reject(err);
      };
      this.stream.on('data', onData);
      this.stream.once('error', onError);
      this.stream.write(input, () => {
        this.stream.off('data', onData);
        this.stream.off('error', onError);
        resolve(Buffer.concat(output));
      });
    }));
    this.queue = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.stream.destroy();
  }
}

export function encodeHeaderBlock(headers: Headers): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Multiple values of one header are joined with NUL on the wire; kept joined with ', ' here. */
export function decodeHeaderBlock(block: Buffer): Headers {
  const headers: Headers = {};
  let offset = 0;
  const need = (n: number) => {
    if (offset + n > block.length) throw new Error('SPDY header block is truncated');
  };
  need(4);
  const count = block.readUInt32BE(offset);
  offset += 4;
  for (let i = 0; i < count; i++) {
    need(4);
    const nameLen = block.readUInt32BE(offset);
    offset += 4;
    need(nameLen + 4);
    const name = block.toString('utf8', offset, offset + nameLen).toLowerCase();
    offset += nameLen;
    const valueLen = block.readUInt32BE(offset);
    offset += 4;
    need(valueLen);
    headers[name] = block.toString('utf8', offset, offset + valueLen).split('\0').join(', ');
    offset += valueLen;
  }
  return headers;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt8(flags, 4);
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

/** Encodes frames; header blocks go through this writer's deflate context, in call order. */
export class FrameWriter {
  private readonly deflate = new ZlibContext('deflate');

  data(streamId: number, data: Buffer, fin = false): Buffer {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(streamId & 0x7fffffff, 0);
    head.writeUInt8(fin ? flagFin : 0, 4);
    head.writeUIntBE(data.length, 5, 3);
    return Buffer.concat([head, data]);
  }

  async synStream(streamId: number, headers: Headers, opts: { fin?: boolean; assocId?: number; priority?: number } = {}): Promise<Buffer> {
    const block = await this.deflate.run(encodeHeaderBlock(headers));
    const fixed = Buffer.alloc(10);
    fixed.writeUInt32BE(streamId & 0x7fffffff, 0);
    fixed.writeUInt32BE((opts.assocId ?? 0) & 0x7fffffff, 4);
    fixed.writeUInt8(((opts.priority ?? 0) & 0x7) << 5, 8);
    return controlFrame(frameTypes.synStream, opts.fin ? flagFin : 0, Buffer.concat([fixed, block]));
  }

  async synReply(streamId: number, headers: Headers, fin = false): Promise<Buffer> {
    const block = await this.deflate.run(encodeHeaderBlock(headers));
    return controlFrame(frameTypes.synReply, fin ? flagFin : 0, Buffer.concat([u32(streamId & 0x7fffffff), block]));
  }

  rstStream(streamId: number, status: number): Buffer {
    return controlFrame(frameTypes.rstStream, 0, Buffer.concat([u32(streamId & 0x7fffffff), u32(status)]));
  }

  ping(id: number): Buffer {
    return controlFrame(frameTypes.ping, 0, u32(id));
  }

  goaway(lastGoodStreamId: number, status = 0): Buffer {
    return controlFrame(frameTypes.goaway, 0, Buffer.concat([u32(lastGoodStreamId & 0x7fffffff), u32(status)]));
  }

  close(): void {
    this.deflate.close();
  }
}

/**
 * Splits a byte stream (arriving in arbitrary pieces) into frames. Frames come out in wire order
 * even though header blocks are inflated asynchronously: `onFrame` is awaited one at a time.
 */
export class FrameParser {
  private readonly inflate = new ZlibContext('inflate');
  private buffered: Buffer = Buffer.alloc(0);
  private chain: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(private readonly onFrame: (frame: Frame) => void, private readonly onError: (err: Error) => void) {}

  push(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return;
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 8) {
      const length = this.buffered.readUIntBE(5, 3);
      if (this.buffered.length < 8 + length) break;
      const raw = this.buffered.subarray(0, 8 + length);
      this.buffered = this.buffered.subarray(8 + length);
      this.chain = this.chain.then(async () => {
        if (this.failed) return;
        try {
          this.onFrame(await this.decode(raw));
        } catch (err) {
          this.failed = true;
          this.onError(err as Error);
        }
      });
    }
  }

  /** Resolves once every frame pushed so far has been delivered. */
  drained(): Promise<void> {
    return this.chain;
  }

  close(): void {
    this.failed = true;
    this.inflate.close();
  }

  private async decode(raw: Buffer): Promise<Frame> {
    const flags = raw.readUInt8(4);
    const fin = (flags & flagFin) !== 0;
    const payload = raw.subarray(8);
    if ((raw[0] & 0x80) === 0) {
      return { type: 'data', streamId: raw.readUInt32BE(0) & 0x7fffffff, fin, data: Buffer.from(payload) };
    }
    const version = raw.readUInt16BE(0) & 0x7fff;
    if (version !== 3) throw new Error(`unsupported SPDY version ${version}`);
    const type = raw.readUInt16BE(2);
    const id = () => payload.readUInt32BE(0) & 0x7fffffff;
    switch (type) {
      case frameTypes.synStream:
        return {
          type: 'syn_stream', streamId: id(), assocId: payload.readUInt32BE(4) & 0x7fffffff,
          priority: payload.readUInt8(8) >> 5, fin, unidirectional: (flags & flagUnidirectional) !== 0,
          headers: decodeHeaderBlock(await this.inflate.run(payload.subarray(10))),
        };
      case frameTypes.synReply:
        return { type: 'syn_reply', streamId: id(), fin, headers: decodeHeaderBlock(await this.inflate.run(payload.subarray(4))) };
      case frameTypes.headers:
        return { type: 'headers', streamId: id(), fin, headers: decodeHeaderBlock(await this.inflate.run(payload.subarray(4))) };
      case frameTypes.rstStream:
        return { type: 'rst_stream', streamId: id(), status: payload.readUInt32BE(4) };
      case frameTypes.ping:
        return { type: 'ping', id: payload.readUInt32BE(0) };
      case frameTypes.goaway:
        return { type: 'goaway', lastGoodStreamId: id(), status: payload.length >= 8 ? payload.readUInt32BE(4) : 0 };
      case frameTypes.windowUpdate:
        return { type: 'window_update', streamId: id(), delta: payload.readUInt32BE(4) & 0x7fffffff };
      default:
        return { type: 'other', controlType: type };
    }
  }
}
