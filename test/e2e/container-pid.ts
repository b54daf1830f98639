// The process of one container of a playground pod, found the way an operator finds it on a node
// (crictl inspect's pid): the playground's kubelet runs each container as a process whose working
// directory is the pod's folder containers/<name> and whose HOSTNAME is the pod's name.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { sep } from 'node:path';

export async function containerPid(pod: string, container: string): Promise<number> {
  const found: { pid: number; ppid: number }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = await readlink(`/proc/${entry}/cwd`);
      if (!cwd.endsWith(`${sep}containers${sep}${container}`)) continue;
      const env = (await readFile(`/proc/${entry}/environ`, 'utf8')).split('\0');
      if (!env.includes(`HOSTNAME=${pod}`)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      found.push({ pid: Number(entry), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  // The container's own process is the one whose parent is not in the container (the kubelet).
  const own = found.filter((p) => !found.some((q) => q.pid === p.ppid));
  if (own.length !== 1) throw new Error(`expected one process of container ${container} in pod ${pod}, found ${own.length} (is the pod running on this playground?)`);
  return own[0].pid;
}
