// What every outbound path shares (SOCKS5, HTTP CONNECT, plain HTTP proxying, --forward): one
// dial through an agent, one event per connection with the bytes each way and how it ended.
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { pipeBoth } from '../agent/passthrough.js';
import type { OutboundEvent, OutboundVia } from './types.js';

/** A connection the agent of `pod` made from the pod. */
export interface OutboundDial {
  stream: Duplex;
  address: string;
  pod: string;
}

/**
 * Connects to host:port through an agent; rejects with an Error whose `code` is the socket's
 * (ENOTFOUND, ECONNREFUSED, ETIMEDOUT...) and whose `pod` names the agent that tried, if any.
 */
export type OutboundDialer = (host: string, port: number) => Promise<OutboundDial>;

export interface OutboundContext {
  dial: OutboundDialer;
  emit: (event: OutboundEvent) => void;
}

/** `host:port`, IPv6 literals in brackets, as events and error bodies show a destination. */
export function formatDestination(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** One outbound connection's event, emitted exactly once when it ends (or fails to start). */
export class OutboundRecord {
  private readonly start = Date.now();
  private readonly id = randomUUID();
  private pod = '';
  private address: string | undefined;
  private sent = 0;
  private received = 0;
  private done = false;

  constructor(private readonly via: OutboundVia, private readonly destination: string, private readonly emit: (e: OutboundEvent) => void) {}

  connected(dial: OutboundDial): void {
    this.pod = dial.pod;
    this.address = dial.address;
  }

  countSent(n: number): void { this.sent += n; }
  countReceived(n: number): void { this.received += n; }

  finish(err?: unknown): void {
    if (this.done) return;
    this.done = true;
    const e = err as { message?: string; pod?: string } | undefined;
    if (e?.pod && !this.pod) this.pod = e.pod;
    this.emit({
      type: 'outbound', id: this.id, pod: this.pod, via: this.via, destination: this.destination,
      ...(this.address ? { address: this.address } : {}),
      start: this.start, durationMs: Date.now() - this.start, bytesSent: this.sent, bytesReceived: this.received,
      ...(e ? { error: e.message ?? String(err) } : {}),
    });
  }
}

/** Pipes the local client and the dialed stream both ways, counting, and finishes the record once both are closed. */
export function relayOutbound(local: Duplex, dial: OutboundDial, record: OutboundRecord, head?: Buffer): void {
  record.connected(dial);
  local.on('data', (c: Buffer) => record.countSent(c.length));
  dial.stream.on('data', (c: Buffer) => record.countReceived(c.length));
  if (head && head.length > 0) {
    record.countSent(head.length);
    dial.stream.write(head);
  }
  let open = 2;
  const closedOne = () => { if (--open === 0) record.finish(); };
  local.once('close', closedOne);
  dial.stream.once('close', closedOne);
  pipeBoth(local, dial.stream);
}

/** The error's socket code, if it has one. */
export function errorCode(err: unknown): string {
  return String((err as { code?: string })?.code ?? '');
}
