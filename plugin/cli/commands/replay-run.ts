// `replay`: reads the file, picks the requests the filter keeps, sends each in order and prints
// its answer beside the recorded one. Exit 0 when every request was sent (whatever the answers),
// 1 when some could not be, 2 for a file that cannot be replayed or a bad --to.
import { requestFilter } from '../../har/filter.js';
import { readHar } from '../../har/read.js';
import { parseTarget, requestOfEntry, sendReplay, targetText, type Target } from '../../har/replay.js';
import type { HarEntry } from '../../har/types.js';
import { userError } from '../../errors.js';
import type { CliDeps } from '../deps.js';
import { replayHeader, replayLine, replaySummary } from '../render/replay.js';
import { CommandExit } from './command-exit.js';

export interface ReplayOptions {
  file: string;
  to?: string;
  filter: string;
}

export function completeReplay(argv: Record<string, unknown>): ReplayOptions {
  return { file: String(argv.file), to: typeof argv.to === 'string' ? argv.to : undefined, filter: typeof argv.filter === 'string' ? argv.filter : '' };
}

function targetOf(opts: ReplayOptions, recorded: string | undefined): Target {
  if (opts.to !== undefined) {
    const t = parseTarget(opts.to);
    if (!t) throw userError(`invalid --to "${opts.to}": use HOST:PORT or PORT, e.g. --to 127.0.0.1:3000`);
    return t;
  }
  const t = recorded === undefined ? undefined : parseTarget(recorded);
  if (!t) throw userError(`${opts.file} does not say where its requests went on this machine: give --to HOST:PORT`);
  return t;
}

/** What the filter reads of an entry: the same fields as a row of the TUI. */
function filterable(e: HarEntry) {
  const url = new URL(e.request.url);
  return { method: e.request.method, path: `${url.pathname}${url.search}`, ...(e.response?.status ? { status: e.response.status } : { error: 'no answer' }), pod: e._pod };
}

export async function runReplay(opts: ReplayOptions, deps: Pick<CliDeps, 'stdout' | 'stderr'>): Promise<void> {
  const har = readHar(opts.file);
  if (har.recovered) deps.stderr.write(`note: ${opts.file} was cut inside an entry (its writer was killed while writing it): the ${har.entries.length} whole entries before it are replayed\n`);
  const to = targetOf(opts, har.localTarget);
  const keep = requestFilter(opts.filter);
  const chosen = har.entries.filter((e) => keep(filterable(e)));
  if (chosen.length === 0) {
    deps.stderr.write(`no request to replay: ${opts.file} has ${har.entries.length}${opts.filter ? `, none matching --filter "${opts.filter}"` : ''}\n`);
    return;
  }
  deps.stdout.write(replayHeader());
  let failed = 0;
  let differ = 0;
  for (const [i, entry] of chosen.entries()) {
    const req = requestOfEntry(entry);
    try {
      const answer = await sendReplay(req, to);
      if (entry.response.status !== answer.status) differ++;
      deps.stdout.write(replayLine(i + 1, entry, req, answer));
    } catch (err) {
      failed++;
      deps.stdout.write(replayLine(i + 1, entry, req, { error: (err as Error).message }));
    }
  }
  deps.stderr.write(replaySummary(chosen.length, failed, differ, targetText(to)));
  if (failed > 0) throw new CommandExit(1);
}
