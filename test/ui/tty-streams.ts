// Terminal stand-ins for runTui tests and the benchmark: a TTY-like stdout that records what was
// written (or drops it), and a TTY-like stdin that Ink reads keys from.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';

export class FakeTtyOut extends Writable {
  isTTY = true;
  columns: number;
  rows: number;
  chunks: string[] = [];
  bytes = 0;
  /** Set when the terminal went away (its window closed): every write fails as a tty's does. */
  gone = false;

  constructor(size = { columns: 80, rows: 24 }, private readonly keep = true) {
    super();
    this.columns = size.columns;
    this.rows = size.rows;
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.gone) return done(Object.assign(new Error('write EIO'), { code: 'EIO' }));
    const text = chunk.toString();
    this.bytes += text.length;
    if (this.keep) this.chunks.push(text);
    done();
  }

  text(): string {
    return this.chunks.join('');
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeTtyIn extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read(): string | null {
    const d = this.data;
    this.data = null;
    return d;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}
