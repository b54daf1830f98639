// What else reaches the app port an intercept takes, said up front so nobody wonders where their
// requests went. Another Service port to the same container port comes to this machine too when
// it names the port (the takeover moves the name to the agent) and keeps going to the app when it
// gives the number (only the Service port asked for is retargeted). Two containers declaring one
// port share the pod's network, so only one of them listens on it: the environment handed over
// is the first's (as the endpoints controller resolves a port name in container order).
import type { ResolvedTarget } from './resolve.js';
import { describeWorkload } from './kube-objects.js';
import { AGENT_CONTAINER } from './takeover.js';

export function sharedAppPortNotes(target: Pick<ResolvedTarget, 'info' | 'ports'>, containerGiven: boolean): string[] {
  const notes: string[] = [];
  const taken = new Set(target.ports.map((p) => `${p.service}:${p.port}`));
  for (const t of target.ports) {
    const others = target.info.ports.filter((p) => !taken.has(`${p.service}:${p.port}`) && !p.headless && p.protocol === 'TCP' && p.container === t.container && p.containerPort === t.containerPort);
    for (const o of others) {
      const named = typeof t.targetPort === 'string' && o.targetPort === t.targetPort;
      notes.push(named
        ? `Service port ${o.service}:${o.port} also targets port "${o.targetPort}" of container ${t.container}: its requests come here too (to ${t.local.localHost}:${t.local.localPort})`
        : `Service port ${o.service}:${o.port} also reaches app port ${t.containerPort}${typeof o.targetPort === 'number' ? ' (by number)' : ` (by the name "${o.targetPort}")`}: its callers keep going to the app; to take it too: --service ${o.service} --port LOCAL:${o.port} in an intercept of its own`);
    }
    if (containerGiven) continue;
    const declaring = (target.info.template.spec?.containers ?? []).filter((c) => c.name !== AGENT_CONTAINER && c.ports?.some((p) => p.containerPort === t.containerPort && (p.protocol ?? 'TCP') === 'TCP')).map((c) => c.name);
    if (declaring.length > 1) {
      const rest = declaring.filter((c) => c !== t.container);
      notes.push(`containers ${declaring.join(' and ')} of ${describeWorkload(target.info)} ${declaring.length > 2 ? 'all' : 'both'} declare port ${t.containerPort}; they share the pod's network, so only one listens there: the environment handed over is ${t.container}'s (--container ${rest[0]} for ${rest[0]}'s)`);
    }
  }
  return notes;
}
