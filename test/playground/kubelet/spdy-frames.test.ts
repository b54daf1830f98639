import { describe, expect, it } from '@jest/globals';
import { spdy3Dictionary } from '../../../plugin/playground/kubelet/spdy-dictionary.js';
import { FrameParser, FrameWriter, type Frame } from '../../../plugin/playground/kubelet/spdy-frames.js';

function adler32(buf: Buffer): number {
  let a = 1;
  let b = 0;
  for (const x of buf) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Feeds bytes to a parser in the given piece sizes and collects the frames. */
async function parse(bytes: Buffer, pieceSize = bytes.length): Promise<Frame[]> {
  const frames: Frame[] = [];
  const errors: Error[] = [];
  const parser = new FrameParser((f) => frames.push(f), (e) => errors.push(e));
  for (let i = 0; i < bytes.length; i += Math.max(pieceSize, 1)) {
    parser.push(bytes.subarray(i, i + Math.max(pieceSize, 1)));
    parser.push(Buffer.alloc(0));
  }
  await parser.drained();
  parser.close();
  expect(errors).toEqual([]);
  return frames;
}

describe('SPDY/3.1 frames', () => {
  it('uses the SPDY/3 dictionary (1423 bytes, Adler-32 0xe3c6a7c2)', () => {
    expect(spdy3Dictionary.length).toBe(1423);
    expect(adler32(spdy3Dictionary)).toBe(0xe3c6a7c2);
  });

  it('round-trips every frame kind the port-forward session uses, split into 1-byte pieces', async () => {
    const w = new FrameWriter();
    const bytes = Buffer.concat([
      await w.synStream(1, { streamtype: 'error', port: '8080', requestid: '0' }, { priority: 2 }),
      w.data(1, Buffer.alloc(0), true),
      await w.synReply(2, {}, false),
      w.data(3, Buffer.from('GET / HTTP/1.1\r\n\r\n')),
      w.rstStream(3, 5),
      w.ping(7),
      w.goaway(9, 0),
    ]);
    w.close();
    const frames = await parse(bytes, 1);
    expect(frames).toEqual([
      { type: 'syn_stream', streamId: 1, assocId: 0, priority: 2, fin: false, unidirectional: false, headers: { streamtype: 'error', port: '8080', requestid: '0' } },
      { type: 'data', streamId: 1, fin: true, data: Buffer.alloc(0) },
      { type: 'syn_reply', streamId: 2, fin: false, headers: {} },
      { type: 'data', streamId: 3, fin: false, data: Buffer.from('GET / HTTP/1.1\r\n\r\n') },
      { type: 'rst_stream', streamId: 3, status: 5 },
      { type: 'ping', id: 7 },
      { type: 'goaway', lastGoodStreamId: 9, status: 0 },
    ]);
  });

  it('keeps one compression context across header blocks, so repeated headers shrink and still decode', async () => {
    const w = new FrameWriter();
    const headers = { streamtype: 'data', port: '8080', requestid: '41' };
    const first = await w.synStream(1, headers);
    const second = await w.synStream(3, headers);
    w.close();
    expect(second.length).toBeLessThan(first.length);
    const frames = await parse(Buffer.concat([first, second]));
    expect(frames.map((f) => f.type === 'syn_stream' && f.headers)).toEqual([headers, headers]);
    // The second block alone cannot be inflated: it refers back to the first one's history.
    const failures: Error[] = [];
    const lone = new FrameParser(() => undefined, (e) => failures.push(e));
    lone.push(second);
    await lone.drained();
    lone.close();
    expect(failures).toHaveLength(1);
  });
});
