// Issue 15: the agent code's ConfigMap is shared by the workloads of a namespace. A leave of
// orders (its restore deletes the ConfigMap once it thinks nobody uses it) and a start on users
// run at once, again and again; the start sits behind a slow link (every answer 100 ms late, a
// far-away laptop), so its steps between writing the ConfigMap and mounting it take ~0.5 s, and
// each round aims its ConfigMap step at the moment the leave deleted it last time. Every time,
// users' pods get a running agent (no FailedMount of a missing ConfigMap), users' calls reach the
// laptop, and at the end both workloads are as before with nothing of ours left.
// RELIAB_SHARED_ROUNDS (default 15) sets the rounds.
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { waitFor } from '../helpers/playground.js';
import { startTcpGate, type TcpGate } from '../fixtures/tcp-gate.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive } from './harness.js';
import { timedLines, type TimedLine } from './timed-lines.js';
import { expectRestored, snapshot } from './workload-snapshot.js';

const file = filePlayground();
const ROUNDS = Number(process.env.RELIAB_SHARED_ROUNDS ?? 15);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const at = (lines: TimedLine[], re: RegExp) => lines.find((l) => re.test(l.text))?.at;

interface AgentPod { name: string; agent: string }

/** users' pods that are not going away, and the state of their agent container. */
async function agentPods(): Promise<AgentPod[]> {
  const list = JSON.parse(await file.pg.kubectlOk(['get', 'pods', '-l', 'app=users', '-o', 'json']));
  return list.items.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp).map((p: { metadata: { name: string }; status: { containerStatuses?: { name: string; ready: boolean; state: Record<string, { reason?: string }> }[] } }) => {
    const s = p.status.containerStatuses?.find((c) => c.name === 'intercept-agent');
    const [state, detail] = Object.entries(s?.state ?? { missing: {} })[0];
    return { name: p.metadata.name, agent: `${state}${detail.reason ? ` ${detail.reason}` : ''}${s?.ready ? ' ready' : ''}` };
  });
}

describe('a leave of one workload and a start on another at once', () => {
  let gate: TcpGate | undefined;
  afterAll(async () => gate?.close());

  it(`never takes the agent code from under the start (${ROUNDS} rounds)`, async () => {
    const pg = file.pg;
    const before = { orders: await snapshot(pg, 'orders'), users: await snapshot(pg, 'users') };
    const users = JSON.parse(await pg.kubectlOk(['get', 'svc', 'users', '-o', 'json'])).spec;
    const server = new URL(pg.server);
    gate = await startTcpGate({ host: server.hostname, port: Number(server.port) }, '127.0.0.1', { latencyMs: 100 });
    const slow = join(dirname(pg.kubeconfigPath), 'slow-link.yaml');
    writeFileSync(slow, readFileSync(pg.kubeconfigPath, 'utf8').replace(`server: ${pg.server}`, `server: https://127.0.0.1:${gate.port}`));
    const [annLaptop, benLaptop] = await Promise.all([startLocalApp('ann'), startLocalApp('ben')]);
    const problems: string[] = [];
    let deletions = 0;
    // When to start users after orders' leave begins; moved each round towards the deletion.
    let offset = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const ann = file.keep(startHolder(['orders', '--port', `${annLaptop.port}:http`, '--http-header', 'x-dev=ann', '--name', 'ann', '--kubeconfig', pg.kubeconfigPath]));
        const annLines = timedLines(ann);
        await waitActive(ann, 'ann', 90_000);
        const jitter = (Math.random() - 0.5) * 600;
        const startBen = () => {
          const h = file.keep(startHolder(['users', '--port', `${benLaptop.port}`, '--name', 'ben', '--timeout', '40s', '--kubeconfig', slow]));
          return { h, lines: timedLines(h), at: Date.now() };
        };
        let ben: ReturnType<typeof startBen>;
        const leaveAt = Date.now() + Math.max(0, -(offset + jitter));
        if (offset + jitter < 0) ben = startBen();
        await sleep(leaveAt - Date.now());
        ann.child.kill('SIGTERM');
        if (offset + jitter >= 0) {
          await sleep(leaveAt + offset + jitter - Date.now());
          ben = startBen();
        }
        const annCode = await ann.exited;
        if (annCode !== 0) problems.push(`round ${round}: ann's leave exited ${annCode}: ${ann.stderr().slice(-400)}`);
        try {
          await waitActive(ben!.h, 'ben', 90_000);
          const pods = await agentPods();
          if (pods.length === 0 || pods.some((p) => p.agent !== 'running ready')) problems.push(`round ${round}: ben active with agents ${JSON.stringify(pods)}`);
          const ok = await waitFor(async () => (await get(users.clusterIP, users.ports[0].port, '/shared'))?.body === `local:ben /shared`, { what: 'users calls at ben\'s laptop', timeoutMs: 10_000 }).catch(() => false);
          if (!ok) problems.push(`round ${round}: ben active, calls not delivered`);
        } catch (err) {
          problems.push(`round ${round}: ben did not start: ${(err as Error).message.slice(0, 400)} ${JSON.stringify(await agentPods())}`);
        }
        const deletedAt = at(annLines, /deleted the unused agent ConfigMap/);
        const installAt = at(ben!.lines, /installing the agent in deployment\/users/);
        if (deletedAt !== undefined) deletions++;
        // Aim ben's ConfigMap step a little before the deletion (the window is after it).
        if (deletedAt !== undefined && installAt !== undefined) offset += deletedAt - installAt - 150;
        const benCode = await stopHolder(ben!.h);
        if (benCode !== 0 && benCode !== undefined) problems.push(`round ${round}: ben's leave exited ${benCode}: ${ben!.h.stderr().slice(-400)}`);
        await pg.kubectlOk(['rollout', 'status', 'deploy/users', '--timeout=120s'], { timeoutMs: 130_000 });
      }
    } finally {
      await Promise.all([annLaptop.close(), benLaptop.close()]);
    }
    process.stdout.write(`shared agent code: ${ROUNDS} rounds, the leave deleted the ConfigMap in ${deletions}, final offset ${Math.round(offset)} ms\n`);
    const mounts = await pg.kubectlOk(['get', 'events', '--field-selector', 'reason=FailedMount', '-o', 'name']);
    expect({ problems, failedMounts: mounts.split('\n').filter(Boolean) }).toEqual({ problems: [], failedMounts: [] });
    for (const w of ['orders', 'users'] as const) await pg.kubectlOk(['rollout', 'status', `deploy/${w}`, '--timeout=120s'], { timeoutMs: 130_000 });
    await expectRestored(pg, before.orders);
    await expectRestored(pg, before.users);
  }, 120_000 + ROUNDS * 90_000);
});
