// A SPDY/3.1 session over any byte transport (a raw upgraded socket, or the payloads of a
// WebSocket's binary messages): multiplexed streams, SYN_REPLY on accept, PING echo, RST_STREAM
// and GOAWAY. No flow control: moby/spdystream, which kubectl uses, neither sends nor needs
// WINDOW_UPDATE for port-forward sessions.
import { EventEmitter } from 'node:events';
import { FrameParser, FrameWriter, rstStatus, type Frame, type Headers } from './spdy-frames.js';

export interface SpdyTransport {
  write(bytes: Buffer): void;
  end(): void;
}

export class SpdyStream extends EventEmitter {
  localEnded = false;
  remoteEnded = false;
  private closed = false;

  constructor(private readonly session: SpdySession, readonly id: number, readonly headers: Headers) {
    super();
  }

  write(data: Buffer): void {
    if (this.localEnded || this.closed || data.length === 0) return;
    this.session.sendData(this.id, data, false);
  }

  /** Sends FIN (an empty DATA frame with the FIN flag). */
  end(): void {
    if (this.localEnded || this.closed) return;
    this.localEnded = true;
    this.session.sendData(this.id, Buffer.alloc(0), true);
    this.maybeClose();
  }

  reset(status: number = rstStatus.cancel): void {
    if (this.closed) return;
    this.session.sendRst(this.id, status);
    this.finish('reset');
  }

  /** @internal */
  receiveData(data: Buffer, fin: boolean): void {
    if (this.closed) return;
    if (data.length > 0) this.emit('data', data);
    if (fin && !this.remoteEnded) {
      this.remoteEnded = true;
      this.emit('end');
      this.maybeClose();
    }
  }

  /** @internal */
  finish(reason: 'reset' | 'closed' | 'session'): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.remoteEnded) {
      this.remoteEnded = true;
      this.emit('end');
    }
    this.emit('close', reason);
    this.session.forget(this.id);
  }

  private maybeClose(): void {
    if (this.localEnded && this.remoteEnded) this.finish('closed');
  }
}

export interface SpdySessionOptions {
  transport: SpdyTransport;
  /** Servers use even stream ids and echo odd pings; clients the opposite. */
  server: boolean;
}

export class SpdySession extends EventEmitter {
  private readonly writer = new FrameWriter();
  private readonly parser: FrameParser;
  private readonly streams = new Map<number, SpdyStream>();
  private out: Promise<void> = Promise.resolve();
  private nextId: number;
  private lastPeerStreamId = 0;
  private closed = false;
  private closedTransport = false;

  constructor(private readonly opts: SpdySessionOptions) {
    super();
    this.nextId = opts.server ? 2 : 1;
    this.parser = new FrameParser((f) => this.onFrame(f), (err) => this.fail(err));
  }

  /** Feeds bytes received from the transport. */
  push(bytes: Buffer): void {
    this.parser.push(bytes);
  }

  /** Opens a stream; its SYN_STREAM goes out ahead of anything written to it. */
  openStream(headers: Headers, fin = false): SpdyStream {
    const id = this.nextId;
    this.nextId += 2;
    const stream = new SpdyStream(this, id, headers);
    this.streams.set(id, stream);
    this.enqueue(() => this.writer.synStream(id, headers, { fin }));
    if (fin) stream.localEnded = true;
    return stream;
  }

  ping(id: number): void {
    this.enqueue(() => this.writer.ping(id));
  }

  /** Sends GOAWAY, ends every stream and the transport once pending frames are written. */
  close(): Promise<void> {
    if (this.closed) return this.out;
    this.enqueue(() => this.writer.goaway(this.lastPeerStreamId));
    return this.shutdown();
  }

  /** The transport went away: end every stream without writing anything more. */
  transportClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.teardown();
  }

  /** @internal */
  sendData(id: number, data: Buffer, fin: boolean): void {
    this.enqueue(() => this.writer.data(id, data, fin));
  }

  /** @internal */
  sendRst(id: number, status: number): void {
    this.enqueue(() => this.writer.rstStream(id, status));
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  private enqueue(produce: () => Buffer | Promise<Buffer>): void {
    if (this.closed) return;
    this.out = this.out.then(async () => {
      const bytes = await produce();
      if (!this.closedTransport) this.opts.transport.write(bytes);
    }).catch((err: Error) => this.fail(err));
  }

  private shutdown(): Promise<void> {
    this.closed = true;
    const done = this.out.then(() => {
      this.teardown();
      if (!this.closedTransport) {
        this.closedTransport = true;
        this.opts.transport.end();
      }
    });
    return done;
  }

  private teardown(): void {
    for (const stream of [...this.streams.values()]) stream.finish('session');
    this.parser.close();
    this.writer.close();
    this.emit('close');
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.emit('protocolError', err);
    this.enqueueGoawayAndClose();
  }

  private enqueueGoawayAndClose(): void {
    this.out = this.out.then(() => {
      if (!this.closedTransport) this.opts.transport.write(this.writer.goaway(this.lastPeerStreamId, 1));
    });
    void this.shutdown();
  }

  private isPeerId(id: number): boolean {
    return this.opts.server ? id % 2 === 1 : id % 2 === 0;
  }

  private onFrame(frame: Frame): void {
    if (this.closed) return;
    switch (frame.type) {
      case 'syn_stream': {
        if (!this.isPeerId(frame.streamId) || this.streams.has(frame.streamId)) {
          this.sendRst(frame.streamId, rstStatus.protocolError);
          return;
        }
        this.lastPeerStreamId = Math.max(this.lastPeerStreamId, frame.streamId);
        const stream = new SpdyStream(this, frame.streamId, frame.headers);
        this.streams.set(frame.streamId, stream);
        // Reply at once: spdystream drops DATA for a stream it has not seen a reply for.
        this.enqueue(() => this.writer.synReply(frame.streamId, {}));
        this.emit('stream', stream);
        if (frame.fin) stream.receiveData(Buffer.alloc(0), true);
        return;
      }
      case 'syn_reply':
        this.streams.get(frame.streamId)?.emit('reply', frame.headers);
        if (frame.fin) this.streams.get(frame.streamId)?.receiveData(Buffer.alloc(0), true);
        return;
      case 'data': {
        const stream = this.streams.get(frame.streamId);
        if (stream) stream.receiveData(frame.data, frame.fin);
        else if (frame.streamId !== 0) this.sendRst(frame.streamId, rstStatus.invalidStream);
        return;
      }
      case 'rst_stream': {
        const stream = this.streams.get(frame.streamId);
        if (stream) {
          stream.emit('reset', frame.status);
          stream.finish('reset');
        }
        return;
      }
      case 'ping':
        if (this.isPeerId(frame.id)) this.ping(frame.id);
        else this.emit('pong', frame.id);
        return;
      case 'goaway':
        this.emit('goaway', frame.status);
        void this.shutdown();
        return;
      default:
        return;
    }
  }
}
