// Entry of scripts/bench/regex.mjs: the linear-time matcher on catastrophic patterns (against the
// backtracking RegExp it replaced), and a real agent's pass-through latency while hostile callers
// send headers and paths that would make a backtracking matcher run for hours.
import http from 'node:http';
import { compileRegex } from '../../plugin/protocol/linear-regex.js';
import { removeBundleDirs, startAgent } from '../../test/fixtures/dataplane/agent-process.js';
import { startHttpApp } from '../../test/fixtures/dataplane/apps.js';
import { connectClient, request, servedBy } from '../../test/fixtures/dataplane/clients.js';

const elapsedMs = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

function bestOf<T>(runs: number, f: () => T): { ms: number; value: T } {
  let best = { ms: Infinity, value: f() };
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const value = f();
    const ms = elapsedMs(t);
    if (ms < best.ms) best = { ms, value };
  }
  return best;
}

export function matcherLines(): string[] {
  const lines: string[] = [];
  const patterns = ['^(a+)+$', '(a|aa)*b', '(.*a){20}', '(\\w+\\s?)*$', '(a?){499}b'];
  for (const pattern of patterns) {
    const re = compileRegex(pattern);
    for (const n of [8192, 100_000]) {
      const input = 'a'.repeat(n - 1) + '!';
      const { ms, value } = bestOf(5, () => re.run(input));
      lines.push(`linear ${pattern.padEnd(12)} ${String(n).padStart(6)} chars: ${ms.toFixed(2).padStart(7)} ms, ${value.steps} steps (${re.states} states), matched=${value.matched}`);
    }
  }
  for (const n of [20, 22, 24, 26, 28]) {
    const input = 'a'.repeat(n - 1) + '!';
    const { ms } = bestOf(1, () => /^(a+)+$/.test(input));
    lines.push(`RegExp ^(a+)+$       ${String(n).padStart(6)} chars: ${ms.toFixed(1).padStart(7)} ms (backtracking: doubles per character)`);
  }
  return lines;
}

function percentiles(samples: number[]): string {
  const s = [...samples].sort((x, y) => x - y);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(s.length * q))].toFixed(2);
  return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${s[s.length - 1].toFixed(2)} ms`;
}

async function unrelatedLatency(port: number, count: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = process.hrtime.bigint();
    const reply = await request(port, { path: '/unrelated', agent });
    if (servedBy(reply) !== 'app') throw new Error(`an unrelated request was served by ${servedBy(reply) || 'nobody'}`);
    samples.push(elapsedMs(t));
  }
  agent.destroy();
  return samples;
}

export async function agentLines(count: number): Promise<string[]> {
  const [app, laptop] = await Promise.all([startHttpApp('app'), startHttpApp('laptop')]);
  const agent = await startAgent({ appPorts: [app.port], token: 'bench' });
  const client = await connectClient({
    controlPort: agent.controlPort, localPort: laptop.port, token: 'bench', name: 'bench',
    registrations: [
      { id: 'h', port: app.port, match: { headers: [{ name: 'x-dev', value: '^(a+)+$', regex: true }] } },
      { id: 'p', port: app.port, match: { path: { kind: 'regex', value: '^(/a+)+$' } } },
    ],
  });
  try {
    const port = agent.agentPorts[0];
    await unrelatedLatency(port, 200);
    const idle = await unrelatedLatency(port, count);
    let attacking = true;
    let hostile = 0;
    const hostileHeaders = [`${'a'.repeat(27)}!`, `${'a'.repeat(8000)}!`];
    const attackers = Array.from({ length: 4 }, async (_, i) => {
      const agentOpts = new http.Agent({ keepAlive: true, maxSockets: 1 });
      while (attacking) {
        await request(port, i % 2 ? { path: `/${'a'.repeat(4000)}!`, agent: agentOpts } : { path: '/h', headers: { 'x-dev': hostileHeaders[hostile % 2] }, agent: agentOpts });
        hostile++;
      }
      agentOpts.destroy();
    });
    const attacked = await unrelatedLatency(port, count);
    attacking = false;
    await Promise.all(attackers);
    const dropped = agent.logs.filter((l) => l.event === 'client-timeout' || l.event === 'client-disconnected').length;
    const still = servedBy(await request(port, { path: '/x', headers: { 'x-dev': 'a'.repeat(28) } }));
    return [
      `agent, ${count} unrelated pass-through requests, idle:             ${percentiles(idle)}`,
      `agent, same while 4 callers send hostile headers/paths (${hostile} sent): ${percentiles(attacked)}`,
      `registrations dropped: ${dropped}; a matching request afterwards went to: ${still}`,
    ];
  } finally {
    await client.session.close();
    await agent.stop();
    await Promise.all([app.close(), laptop.close()]);
    removeBundleDirs();
  }
}
