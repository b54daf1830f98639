// Events as the real controllers record them (client-go tools/record), so `kubectl describe` and
// `kubectl get events` show "Scaled up replica set ...", "Created pod: ...", "Successfully
// assigned ...". Fire and forget: a failed event write must never fail a sync.
import { RESOURCES, type KubeClient } from './client.js';
import { nowIso } from './pod-util.js';
import type { KubeObject } from './types.js';

export type EventRecorder = (obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export function eventRecorder(client: KubeClient, component: string, now: () => number = Date.now): EventRecorder {
  return (obj, type, reason, message) => {
    const t = now();
    const ts = nowIso(t);
    const ns = obj.metadata.namespace ?? 'default';
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${obj.metadata.name}.${(BigInt(t) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`, namespace: ns },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      reportingComponent: component,
      reportingInstance: '',
    };
    client.create(RESOURCES.events, ns, event).catch(() => {});
  };
}
