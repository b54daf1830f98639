// Which pods of the workload can take a tunnel, and in the words a user reads, why a pod that had
// one cannot any more (its agent was killed and is restarting, the pod is going away...).
import type { V1Pod } from '@kubernetes/client-node';
import { AGENT_CONTAINER } from './takeover.js';

/** A pod whose agent can take a tunnel: running, not going away, agent container ready. */
export function tunnelable(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp || pod.status?.phase !== 'Running') return false;
  return (pod.status?.containerStatuses ?? []).some((c) => c.name === AGENT_CONTAINER && c.ready);
}

/** Why `pod` (undefined: no longer listed) takes no tunnel now. */
export function notTunnelableReason(pod: V1Pod | undefined): string {
  if (!pod) return 'the pod is gone';
  if (pod.metadata?.deletionTimestamp) return 'the pod is being deleted';
  if (pod.status?.phase !== 'Running') return `the pod is ${pod.status?.phase ?? 'not running'}`;
  const agent = (pod.status?.containerStatuses ?? []).find((c) => c.name === AGENT_CONTAINER);
  if (!agent) return 'the pod has no agent container';
  const ended = agent.state?.terminated ?? agent.lastState?.terminated;
  const how = ended ? ` (${ended.reason && ended.reason !== 'Error' ? `${ended.reason}, ` : ''}exit code ${ended.exitCode})` : '';
  if (agent.state?.terminated) return `the agent container stopped${how}`;
  if (agent.state?.waiting) return `the agent container is waiting: ${agent.state.waiting.reason}${ended ? `; it stopped${how}` : ''}`;
  // Running but not ready: just restarted after it stopped, or failing its readiness probe.
  return ended ? `the agent container stopped${how} and was restarted; waiting for it to be ready` : 'the agent container is not ready';
}
