// Which process holds an intercept, recorded in its Lease, so that a `status`, `list`, `leave`,
// `uninstall` or a rerun on the same machine can tell at once that a holder killed outright
// (kill -9, a crash) is gone, instead of waiting out the Lease (up to 15 s after its last renewal).
// Elsewhere, the Lease's expiry is all anyone can go by.
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface HolderProcess {
  host: string;
  pid: number;
  /** Linux: the pid namespace (/proc/self/ns/pid), so a pid is only read in the namespace it is from. */
  pidNamespace?: string;
}

function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

export function thisProcess(host = hostname()): HolderProcess {
  const ns = pidNamespace();
  return { host, pid: process.pid, ...(ns ? { pidNamespace: ns } : {}) };
}

/**
 * True only when this machine can be sure: same host and pid namespace, and that pid runs no
 * more (or is a zombie nobody has reaped yet). Anything else (another machine, no record) is false.
 */
export function holderGone(holder: HolderProcess | undefined, here: HolderProcess = thisProcess()): boolean {
  if (!holder || !Number.isInteger(holder.pid) || holder.host !== here.host || holder.pidNamespace !== here.pidNamespace) return false;
  if (holder.pid === here.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    return / Z /.test(readFileSync(`/proc/${holder.pid}/stat`, 'utf8').replace(/^.*\)/, ')'));
  } catch {
    return false;
  }
}
