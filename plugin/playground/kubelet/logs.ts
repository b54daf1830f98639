// Container logs in the CRI file format (`<RFC3339Nano> <stream> <P|F> <text>`), one file per
// container instance like /var/log/pods/<ns>_<pod>_<uid>/<container>/<restartCount>.log, and
// reading them back for /containerLogs with follow, previous, tailLines, timestamps,
// sinceSeconds/sinceTime and limitBytes.
import { createWriteStream, type WriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';

export class LogFile {
  private readonly out: WriteStream;
  private readonly partial = { stdout: false, stderr: false };

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { flags: 'a' });
  }

  attach(stream: Readable, name: 'stdout' | 'stderr'): void {
    stream.on('data', (chunk: Buffer) => this.write(name, chunk));
  }

  write(name: 'stdout' | 'stderr', chunk: Buffer): void {
    const ts = nowRFC3339Nano();
    const text = chunk.toString('utf8');
    const lines = text.split('\n');
    const last = lines.pop() ?? '';
    let out = '';
    for (const line of lines) out += `${ts} ${name} F ${line}\n`;
    if (last !== '') out += `${ts} ${name} P ${last}\n`;
    this.partial[name] = last !== '';
    this.out.write(out);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

function nowRFC3339Nano(): string {
  const iso = new Date().toISOString();
  return `${iso.slice(0, 23)}000000Z`;
}

export interface LogOptions {
  follow: boolean;
  tailLines?: number;
  timestamps: boolean;
  /** Only lines at or after this time (ms since epoch). */
  since?: number;
  limitBytes?: number;
}

export function parseLogOptions(q: URLSearchParams): LogOptions {
  const num = (name: string) => (q.get(name) === null ? undefined : Number(q.get(name)));
  const sinceSeconds = num('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  return {
    follow: q.get('follow') === 'true',
    timestamps: q.get('timestamps') === 'true',
    tailLines: num('tailLines'),
    since: sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined,
    limitBytes: num('limitBytes'),
  };
}

/** One CRI log line rendered for the client, or undefined when filtered out. */
function render(line: string, opts: LogOptions): string | undefined {
  const m = /^(\S+) (stdout|stderr) ([PF]) (.*)$/.exec(line);
  if (!m) return undefined;
  if (opts.since !== undefined && Date.parse(m[1]) < opts.since) return undefined;
  const text = m[3] === 'F' ? `${m[4]}\n` : m[4];
  return opts.timestamps ? `${m[1]} ${text}` : text;
}

export interface LogSink {
  write(text: string): boolean;
  /** True once the client went away. */
  closed(): boolean;
}

/**
 * Writes a log file to the sink; with follow, keeps reading appended lines until `finished()`
 * says the instance has exited (then drains what is left) or the client goes away.
 */
export async function streamLog(file: string, opts: LogOptions, sink: LogSink, finished: () => boolean): Promise<void> {
  let budget = opts.limitBytes ?? Infinity;
  const emit = (text: string) => {
    if (budget <= 0) return;
    const bytes = Buffer.from(text);
    const slice = bytes.length > budget ? bytes.subarray(0, budget).toString() : text;
    budget -= bytes.length;
    sink.write(slice);
  };
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    let offset = 0;
    let carry = '';
    const readMore = async (first: boolean) => {
      const size = (await stat(file)).size;
      if (size <= offset) return;
      const buf = Buffer.alloc(size - offset);
      await handle.read(buf, 0, buf.length, offset);
      offset = size;
      const lines = (carry + buf.toString('utf8')).split('\n');
      carry = lines.pop() ?? '';
      let rendered = lines.map((l) => render(l, opts)).filter((t): t is string => t !== undefined);
      if (first && opts.tailLines !== undefined) rendered = opts.tailLines <= 0 ? [] : rendered.slice(-opts.tailLines);
      for (const text of rendered) emit(text);
    };
    await readMore(true);
    while (opts.follow && !sink.closed() && budget > 0) {
      const done = finished();
      await readMore(false);
      if (done) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await handle.close();
  }
}
