// Mirror copies (DESIGN decision 12): each matching request is also sent to the mirroring laptops
// while the caller is answered as if no mirror existed. A copy never waits for anything: a client
// with too many copies in flight loses the new ones (counted), a body beyond MIRROR_BODY_LIMIT is
// cut (the trailer says so), the laptop's answer is read and dropped, and every failure is ignored.
import type { ClientHttp2Stream } from 'node:http2';
import { encodeMeta, MIRROR_BODY_LIMIT, TRAILERS_HEADER, TRUNCATED_TRAILER, type RequestMeta } from '../protocol/wire.js';
import type { ClientHandle, Route } from './registry.js';
import type { PortStats } from './stats.js';

/** Copies in flight per client before new ones are dropped: bounds the agent's memory. */
export const MIRROR_QUEUE = 32;

const inFlight = new WeakMap<ClientHandle, number>();

export interface MirrorCopies {
  write(data: Buffer[]): void;
  end(trailers: string[]): void;
}

/** The request's own framing fields do not hold for a copy that may be cut: the laptop frames it. */
const FRAMING = new Set(['content-length', 'transfer-encoding']);

/** Opens one copy per mirror route; undefined when there is none to send. */
export function openMirrors(routes: readonly Route[], path: string, meta: Omit<RequestMeta, 'registration' | 'mirror'>, stats: PortStats): MirrorCopies | undefined {
  const streams: ClientHttp2Stream[] = [];
  const raw = meta.rawHeaders ?? [];
  const rawHeaders: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!FRAMING.has(raw[i].toLowerCase())) rawHeaders.push(raw[i], raw[i + 1]);
  for (const route of routes) {
    const busy = inFlight.get(route.client) ?? 0;
    if (busy >= MIRROR_QUEUE) {
      stats.mirrorDropped++;
      continue;
    }
    let stream: ClientHttp2Stream;
    try {
      stream = route.client.openStream(path, { ...meta, rawHeaders, registration: route.reg.id, mirror: true }, true);
    } catch {
      stats.mirrorDropped++;
      continue;
    }
    stats.mirrored++;
    inFlight.set(route.client, busy + 1);
    stream.on('error', () => undefined);
    stream.on('close', () => inFlight.set(route.client, Math.max(0, (inFlight.get(route.client) ?? 1) - 1)));
    stream.resume(); // the answer is the laptop's to show, not the caller's
    streams.push(stream);
  }
  if (streams.length === 0) return undefined;
  let sent = 0;
  let cut = false;
  return {
    write(data: Buffer[]): void {
      for (const d of data) {
        if (cut || d.length === 0) continue;
        const part = sent + d.length > MIRROR_BODY_LIMIT ? d.subarray(0, MIRROR_BODY_LIMIT - sent) : d;
        if (part.length < d.length) cut = true;
        sent += part.length;
        for (const s of streams) if (!s.destroyed && part.length > 0) s.write(part);
      }
    },
    end(trailers: string[]): void {
      const all = cut ? [...trailers, TRUNCATED_TRAILER, '1'] : trailers;
      for (const s of streams) {
        if (s.destroyed) continue;
        s.on('wantTrailers', () => s.sendTrailers({ [TRAILERS_HEADER]: encodeMeta(all) }));
        s.end();
      }
    },
  };
}
