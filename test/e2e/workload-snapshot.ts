// "The workload exactly as before": what a reliability test records before an intercept and
// checks after it, read with the real kubectl (the Deployment's template, the Service's spec,
// and nothing of ours left: no takeover annotation, Lease, agent Secret or ConfigMap).
import { expect } from '@jest/globals';
import type { TestPlayground } from '../helpers/playground.js';

export interface WorkloadSnapshot {
  deployment: string;
  template: unknown;
  service: unknown;
}

async function json(pg: TestPlayground, args: string[]) {
  return JSON.parse(await pg.kubectlOk([...args, '-o', 'json']));
}

export async function snapshot(pg: TestPlayground, deployment: string, service = deployment): Promise<WorkloadSnapshot> {
  return { deployment, template: (await json(pg, ['get', 'deploy', deployment])).spec.template, service: (await json(pg, ['get', 'svc', service])).spec };
}

/** The names of what the tool may create (ConfigMaps, Secrets, Leases named for it). */
export async function leftovers(pg: TestPlayground): Promise<string[]> {
  const out = await pg.kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name']);
  return out.split('\n').filter((l) => /intercept/.test(l));
}

export async function expectRestored(pg: TestPlayground, before: WorkloadSnapshot, service = before.deployment): Promise<void> {
  const after = await json(pg, ['get', 'deploy', before.deployment]);
  expect(after.spec.template).toEqual(before.template);
  expect(after.metadata.annotations?.['kubectl-intercept.io/takeover']).toBeUndefined();
  expect((await json(pg, ['get', 'svc', service])).spec).toEqual(before.service);
  expect(await leftovers(pg)).toEqual([]);
}

export interface PodView {
  name: string;
  ip: string;
  ready: boolean;
  agentRestarts?: number;
  deleting: boolean;
}

export async function pods(pg: TestPlayground, app: string): Promise<PodView[]> {
  const list = await json(pg, ['get', 'pods', '-l', `app=${app}`]);
  return list.items.map((p: { metadata: { name: string; deletionTimestamp?: string }; status: { podIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { name: string; restartCount: number }[] } }) => ({
    name: p.metadata.name,
    ip: p.status.podIP ?? '',
    ready: (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    agentRestarts: p.status.containerStatuses?.find((c) => c.name === 'intercept-agent')?.restartCount,
    deleting: !!p.metadata.deletionTimestamp,
  }));
}
