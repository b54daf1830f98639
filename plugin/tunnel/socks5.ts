// SOCKS5 (RFC 1928) for the local process: CONNECT only, no authentication (the listener is on
// loopback and only this user's processes reach it). A domain name is passed to the agent as it
// came (socks5h semantics), so the pod's resolver answers it, not the laptop's.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { errorCode, formatDestination, OutboundRecord, relayOutbound, type OutboundContext } from './outbound-relay.js';

const VERSION = 5;
const NO_AUTH = 0x00;
const NO_ACCEPTABLE_METHOD = 0xff;
const CMD_CONNECT = 1;

/** Reply codes, RFC 1928 §6. */
export const socksReply = {
  succeeded: 0x00,
  generalFailure: 0x01,
  networkUnreachable: 0x03,
  hostUnreachable: 0x04,
  connectionRefused: 0x05,
  ttlExpired: 0x06,
  commandNotSupported: 0x07,
  addressTypeNotSupported: 0x08,
} as const;

/** The reply code that tells a SOCKS client what the pod's socket said. */
export function replyForCode(code: string): number {
  switch (code) {
    case 'ECONNREFUSED': return socksReply.connectionRefused;
    case 'ENOTFOUND': case 'EAI_AGAIN': case 'EHOSTUNREACH': case 'ETIMEDOUT': return socksReply.hostUnreachable;
    case 'ENETUNREACH': return socksReply.networkUnreachable;
    default: return socksReply.generalFailure;
  }
}

type Parsed<T> = { value: T; rest: Buffer } | undefined;

function parseGreeting(buf: Buffer): Parsed<number[]> {
  if (buf.length < 2) return undefined;
  const n = buf[1];
  if (buf.length < 2 + n) return undefined;
  return { value: [...buf.subarray(2, 2 + n)], rest: buf.subarray(2 + n) };
}

interface ConnectRequest { cmd: number; atyp: number; host: string; port: number }

function parseRequest(buf: Buffer): Parsed<ConnectRequest> {
  if (buf.length < 5) return undefined;
  const [, cmd, , atyp] = buf;
  let host: string;
  let at: number;
  if (atyp === 1) {
    if (buf.length < 10) return undefined;
    host = [...buf.subarray(4, 8)].join('.');
    at = 8;
  } else if (atyp === 3) {
    const len = buf[4];
    if (buf.length < 5 + len + 2) return undefined;
    host = buf.subarray(5, 5 + len).toString('latin1');
    at = 5 + len;
  } else if (atyp === 4) {
    if (buf.length < 22) return undefined;
    const parts: string[] = [];
    for (let i = 0; i < 8; i++) parts.push(buf.readUInt16BE(4 + i * 2).toString(16));
    host = net.isIPv6(parts.join(':')) ? parts.join(':') : '::';
    at = 20;
  } else {
    return { value: { cmd, atyp, host: '', port: 0 }, rest: Buffer.alloc(0) };
  }
  return { value: { cmd, atyp, host, port: buf.readUInt16BE(at) }, rest: buf.subarray(at + 2) };
}

/** The reply with BND.ADDR 0.0.0.0:0: the bound address is the pod's and means nothing here. */
function reply(code: number): Buffer {
  return Buffer.from([VERSION, code, 0, 1, 0, 0, 0, 0, 0, 0]);
}

/** Serves one SOCKS5 client; `first` holds the bytes already read by the sniffer. */
export function serveSocks5(socket: Duplex, first: Buffer, ctx: OutboundContext): void {
  let buf = first;
  let stage: 'greeting' | 'request' | 'done' = 'greeting';
  socket.on('error', () => undefined);
  const onData = (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    step();
  };
  function step(): void {
    if (stage === 'greeting') {
      if (buf.length > 0 && buf[0] !== VERSION) return void socket.destroy();
      const g = parseGreeting(buf);
      if (!g) return;
      buf = g.rest;
      if (!g.value.includes(NO_AUTH)) {
        socket.end(Buffer.from([VERSION, NO_ACCEPTABLE_METHOD]));
        return;
      }
      socket.write(Buffer.from([VERSION, NO_AUTH]));
      stage = 'request';
    }
    if (stage === 'request') {
      const r = parseRequest(buf);
      if (!r) return;
      stage = 'done';
      socket.off('data', onData);
      socket.pause();
      const { cmd, atyp, host, port } = r.value;
      if (atyp !== 1 && atyp !== 3 && atyp !== 4) return void socket.end(reply(socksReply.addressTypeNotSupported));
      if (cmd !== CMD_CONNECT) return void socket.end(reply(socksReply.commandNotSupported));
      connect(host, port, r.rest);
    }
  }
  function connect(host: string, port: number, rest: Buffer): void {
    const record = new OutboundRecord('socks5', formatDestination(host, port), ctx.emit);
    ctx.dial(host, port).then((dial) => {
      if (socket.destroyed) { dial.stream.destroy(); record.finish(new Error('the local client went away while the pod was connecting')); return; }
      socket.write(reply(socksReply.succeeded));
      relayOutbound(socket, dial, record, rest);
      socket.resume();
    }, (err: unknown) => {
      record.finish(err);
      socket.end(reply(replyForCode(errorCode(err))));
    });
  }
  socket.on('data', onData);
  step();
}
