// A HAR file that is valid JSON after every entry: the log's closing `]}}` is written at once and
// each new entry overwrites it with `,{entry}]}}` in one positional write, so stopping at any
// moment (Ctrl-C, `leave`, SIGTERM, an exception) loses at most the entry being written. A
// `kill -9` that lands inside that write can cut it at a page boundary (Linux stops a write between
// pages for a fatal signal): each entry is one line, so `replay` (read.ts) still reads every whole
// one. Mode 0600: the file holds whatever the requests carried (credentials too, with --har-unmasked).
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { userError } from '../errors.js';
import { pluginVersion } from '../version.js';
import type { HarEntry, HarLog } from './types.js';

const TAIL = '\n]}}\n';

export interface HarFileOptions {
  /** `host:port` the requests went to on this machine. */
  localTarget?: string;
  comment?: string;
}

export class HarFile {
  private fd: number | undefined;
  /** Where the tail starts: the next entry is written from here. */
  private end: number;
  private count = 0;

  private constructor(readonly path: string, fd: number, end: number) {
    this.fd = fd;
    this.end = end;
  }

  /** Creates (or empties) the file and writes an empty log; a user error if it cannot. */
  static create(path: string, opts: HarFileOptions = {}): HarFile {
    let fd: number;
    try {
      fd = openSync(path, 'w', 0o600);
      // An existing file keeps its mode through open(): narrow it, it is about to hold requests.
      fchmodSync(fd, 0o600);
    } catch (err) {
      throw userError(`cannot write the HAR file ${path}: ${(err as Error).message}`, 'name a file in a folder you can write to (--har FILE)');
    }
    const log: HarLog['log'] = {
      version: '1.2',
      creator: { name: 'kubectl-intercept', version: pluginVersion() },
      ...(opts.comment ? { comment: opts.comment } : {}),
      ...(opts.localTarget ? { _localTarget: opts.localTarget } : {}),
      entries: [],
    };
    const json = JSON.stringify({ log });
    // `{"log":{...,"entries":[]}}` → head up to `[`, then the tail.
    const head = json.slice(0, json.length - ']}}'.length);
    const file = new HarFile(path, fd, 0);
    file.write(Buffer.from(head + TAIL), 0);
    file.end = Buffer.byteLength(head);
    return file;
  }

  get entries(): number {
    return this.count;
  }

  add(entry: HarEntry): void {
    if (this.fd === undefined) return;
    const buf = Buffer.from(`${this.count === 0 ? '\n' : ',\n'}${JSON.stringify(entry)}${TAIL}`);
    this.write(buf, this.end);
    this.end += buf.length - TAIL.length;
    this.count++;
  }

  private write(buf: Buffer, at: number): void {
    let done = 0;
    while (done < buf.length) done += writeSync(this.fd!, buf, done, buf.length - done, at + done);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Writes a whole list at once (the TUI's `w`): the same file format, entry by entry. */
export function writeHar(path: string, entries: Iterable<HarEntry>, opts: HarFileOptions = {}): number {
  const file = HarFile.create(path, opts);
  try {
    for (const e of entries) file.add(e);
    return file.entries;
  } finally {
    file.close();
  }
}
