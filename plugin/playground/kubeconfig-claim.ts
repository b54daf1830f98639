// One playground per kubeconfig file (`--kubeconfig-out`, by default ~/.kube/intercept-playground.yaml):
// a lock file beside it names the playground that wrote it (pid, API server), so a second one
// refuses instead of overwriting it, and a stop removes only a file that is still its own.
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { userError } from '../errors.js';

export interface ClaimHolder {
  pid: number;
  /** The API server's URL, once it listens. */
  server?: string;
}

export interface KubeconfigClaim {
  /** Writes the kubeconfig and records the API server beside it. */
  write(yaml: string, server: string): Promise<void>;
  /** Removes the kubeconfig if it is still what this playground wrote, and the lock if it is ours. */
  release(): Promise<void>;
}

const lockPath = (file: string) => `${file}.lock`;

/** Takes the file for this process, or refuses naming the running playground that has it. */
export async function claimKubeconfig(file: string): Promise<KubeconfigClaim> {
  const me: ClaimHolder = { pid: process.pid };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath(file), 'wx', 0o600);
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
    }
    const other = await readHolder(file);
    if (!other && attempt === 0) {
      // Just created by another playground, its pid not written yet: look again.
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (other && (await isRunning(other))) {
      throw userError(
        `another playground (pid ${other.pid}${other.server ? `, API server ${other.server}` : ', still starting'}) is running with the kubeconfig ${file}`,
        `use that one (KUBECONFIG=${file}), stop it first (Ctrl-C in its terminal), or give this one its own file with --kubeconfig-out FILE`,
      );
    }
    // The lock of a playground that was killed: its file is stale, take both over.
    await rm(lockPath(file), { force: true });
  }
  let written: string | undefined;
  return {
    async write(yaml, server) {
      await writeFile(file, yaml, { mode: 0o600 });
      written = yaml;
      await writeFile(lockPath(file), JSON.stringify({ ...me, server }), { mode: 0o600 });
    },
    async release() {
      const current = await readFile(file, 'utf8').catch(() => undefined);
      if (written !== undefined && current === written) await rm(file, { force: true });
      if ((await readHolder(file))?.pid === me.pid) await rm(lockPath(file), { force: true });
    },
  };
}

async function readHolder(file: string): Promise<ClaimHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(lockPath(file), 'utf8')) as ClaimHolder;
    return Number.isInteger(h.pid) ? h : undefined;
  } catch {
    return undefined;
  }
}

/** The pid is alive and, once it has one, its API server accepts connections (a reused pid does not). */
async function isRunning(h: ClaimHolder): Promise<boolean> {
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!h.server) return true;
  const u = new URL(h.server);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port), u.hostname);
    s.setTimeout(2000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}
