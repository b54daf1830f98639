// Which pods of the workload can take a tunnel, and in the words a user reads, why a pod that had
// one cannot any more (its agent was killed and is restarting, the pod is going away...).
import type { V1Pod } from '@kubernetes/client-node';
import { AGENT_CONTAINER } from './takeover.js';

/**
 * A pod whose agent can take a tunnel: running, not going away, agent container started. Not yet
 * ready is enough: a port-forward needs only the pod's sandbox, and a new agent keeps its ports
 * (and so the pod) out of the Service until the live intercepts have registered with it
 * (plugin/agent/expected.ts). `started` is absent from servers before 1.16: ready stands in.
 */
export function tunnelable(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp || pod.status?.phase !== 'Running') return false;
  const agent = agentStatus(pod);
  return agent !== undefined && agent.state?.running !== undefined && (agent.started ?? agent.ready);
}

/** Whether the pod's agent answers its probe: it listens on the app's ports. */
export function agentReady(pod: V1Pod): boolean {
  return tunnelable(pod) && agentStatus(pod)?.ready === true;
}

function agentStatus(pod: V1Pod) {
  return (pod.status?.containerStatuses ?? []).find((c) => c.name === AGENT_CONTAINER);
}

/** Why `pod` (undefined: no longer listed) takes no tunnel now. */
export function notTunnelableReason(pod: V1Pod | undefined): string {
  if (!pod) return 'the pod is gone';
  if (pod.metadata?.deletionTimestamp) return 'the pod is being deleted';
  if (pod.status?.phase !== 'Running') return `the pod is ${pod.status?.phase ?? 'not running'}`;
  const agent = agentStatus(pod);
  if (!agent) return 'the pod has no agent container';
  const ended = agent.state?.terminated ?? agent.lastState?.terminated;
  const how = ended ? ` (${ended.reason && ended.reason !== 'Error' ? `${ended.reason}, ` : ''}exit code ${ended.exitCode})` : '';
  if (agent.state?.terminated) return `the agent container stopped${how}`;
  if (agent.state?.waiting) return `the agent container is waiting: ${agent.state.waiting.reason}${ended ? `; it stopped${how}` : ''}`;
  // Running but not started: just restarted after it stopped, or failing its startup probe.
  return ended ? `the agent container stopped${how} and was restarted; waiting for it to start` : 'the agent container has not started';
}
