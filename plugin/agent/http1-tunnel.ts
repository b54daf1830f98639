// One HTTP/1.x request sent to a laptop through its tunnel stream, and the laptop's answer written
// back to the caller's connection as HTTP/1.x. The relay owns the connection and tells this
// exchange the request body; the exchange tells the relay when the answer is complete.
import type net from 'node:net';
import type { ClientHttp2Stream, IncomingHttpHeaders } from 'node:http2';
import { chunk, errorAnswer, lastChunk, planAnswer, type AnswerPlan } from './http1-answer.js';
import { headerList, type RequestHead } from './http1-head.js';
import { decodeMeta, encodeMeta, META_HEADER, TRAILERS_HEADER, type ResponseMeta } from '../protocol/wire.js';

export interface TunnelExchange {
  /** Request body data; false when the stream wants the caller paused. */
  write(data: Buffer[]): boolean;
  end(trailers: string[]): void;
  abort(): void;
}

export interface TunnelExchangeOptions {
  caller: net.Socket;
  head: RequestHead;
  stream: ClientHttp2Stream;
  clientName: string;
  callerClose: boolean;
  /** The answer is written; close says the caller's connection must end now. */
  onDone(close: boolean): void;
  /** The laptop accepted an upgrade (101): from here on the connection is bytes both ways. */
  onUpgraded(stream: ClientHttp2Stream): void;
  /** The stream can take more of the request body. */
  onDrain(): void;
}

/** NGHTTP2_CANCEL: the caller went away. */
const HTTP2_CANCEL = 8;

export function exchangeViaTunnel(o: TunnelExchangeOptions): TunnelExchange {
  const { caller, head, stream } = o;
  let requestTrailers: string[] = [];
  let responseTrailers: string[] = [];
  let plan: AnswerPlan | undefined;
  let finished = false;
  const expectsContinue = head.version === '1.1' && headerList(head.framingHeaders, 'expect').includes('100-continue');

  stream.on('wantTrailers', () => stream.sendTrailers({ [TRAILERS_HEADER]: encodeMeta(requestTrailers) }));
  stream.on('drain', () => o.onDrain());
  stream.on('headers', (headers: IncomingHttpHeaders) => {
    if (expectsContinue && Number(headers[':status']) === 100 && !plan) caller.write('HTTP/1.1 100 Continue\r\n\r\n');
  });
  stream.on('response', function onTunnelResponse(headers: IncomingHttpHeaders) {
    const meta = decodeMeta<ResponseMeta>(headers[META_HEADER]);
    if (!meta) return fail(`${o.clientName} sent an unreadable response`);
    const upgraded = meta.status === 101;
    try {
      plan = planAnswer(meta.status, meta.statusMessage, meta.rawHeaders ?? [], {
        callerVersion: head.version, requestMethod: head.method, callerClose: o.callerClose, upgrade: upgraded,
      });
    } catch (err) {
      stream.close(HTTP2_CANCEL);
      return fail(`the response from ${o.clientName} is not valid HTTP/1.1 (${(err as Error).message})`);
    }
    caller.write(plan.head, 'latin1');
    if (upgraded) {
      finished = true;
      return o.onUpgraded(stream);
    }
    stream.on('data', (data: Buffer) => {
      if (plan?.body === 'none') return;
      const ok = plan?.body === 'chunked' ? writeAll(chunk(data)) : caller.write(data);
      if (!ok) {
        stream.pause();
        caller.once('drain', () => stream.resume());
      }
    });
    stream.on('trailers', (trailers: IncomingHttpHeaders) => {
      responseTrailers = decodeMeta<string[]>(trailers[TRAILERS_HEADER]) ?? [];
    });
  });
  stream.on('end', () => {
    if (finished || !plan) return;
    finished = true;
    if (plan.body === 'chunked') caller.write(lastChunk(responseTrailers));
    o.onDone(plan.close || plan.body === 'until-close');
  });
  stream.on('error', (err: Error) => fail(`the tunnel to ${o.clientName} closed while this request was in flight (${err.message})`));
  stream.on('close', () => fail(`the tunnel to ${o.clientName} closed while this request was in flight (stream closed with code ${stream.rstCode ?? 'unknown'})`));

  function writeAll(parts: Buffer[]): boolean {
    let ok = true;
    for (const p of parts) ok = caller.write(p) && ok;
    return ok;
  }

  /** An error status when nothing was sent yet, else the connection is cut: never a hang. */
  function fail(reason: string): void {
    if (finished) return;
    finished = true;
    if (plan) {
      caller.destroy();
      return;
    }
    caller.write(errorAnswer(502, `kubectl-intercept agent: ${reason}. Later requests go to the app.\n`));
    o.onDone(true);
  }

  return {
    write(data: Buffer[]): boolean {
      if (stream.destroyed || stream.writableEnded) return true; // the laptop answered and closed: dropped
      let ok = true;
      for (const d of data) if (d.length > 0) ok = stream.write(d) && ok;
      return ok;
    },
    end(trailers: string[]): void {
      requestTrailers = trailers;
      stream.end();
    },
    abort(): void {
      finished = true;
      if (!stream.destroyed) stream.close(HTTP2_CANCEL);
    },
  };
}
