// Events the kubelet reports about pods (Pulled, Created, Started, Killing, BackOff, Unhealthy,
// Failed, FailedMount), as core/v1 Events with source kubelet/<node>, so `kubectl describe pod`
// and `kubectl get events` tell the story. Repeats of the same event are folded into a count,
// as client-go's event correlator does. firstTimestamp and lastTimestamp are metav1.Time (whole
// seconds); eventTime stays unset, as client-go's legacy recorder leaves it (tools/record/event.go).
import type { CoreV1Api, CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { MetaTime, metaTime } from './api-time.js';

export type EventType = 'Normal' | 'Warning';

/** Records one event about a pod, or one of its containers when `fieldPath` names it. */
export type RecordEvent = (pod: V1Pod, fieldPath: string | undefined, type: EventType, reason: string, message: string) => void;

const maxRemembered = 4096;

interface Seen {
  name: string;
  count: number;
  first: Date;
}

export function createEventRecorder(core: CoreV1Api, nodeName: string, log: (m: string) => void): RecordEvent {
  const seen = new Map<string, Seen>();
  let chain: Promise<unknown> = Promise.resolve();
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  return function recordEvent(pod, fieldPath, type, reason, message) {
    const namespace = pod.metadata?.namespace ?? 'default';
    const podName = pod.metadata?.name ?? '';
    const key = [pod.metadata?.uid, fieldPath, type, reason, message].join('\0');
    const now = new MetaTime();
    const failed = (err: Error) => log(`recording event ${reason} for pod ${namespace}/${podName}: ${err.message}`);
    const previous = seen.get(key);
    if (previous) {
      // Counted now, not when the write runs, so repeats in one burst fold too.
      const count = ++previous.count;
      chain = chain.then(() => core.patchNamespacedEvent({ name: previous.name, namespace, body: { count, lastTimestamp: metaTime(now) } }, merge)).catch(failed);
      return;
    }
    // client-go names events <object>.<unix nanos in hex>.
    const name = `${podName}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(seen.size)).toString(16)}`;
    seen.set(key, { name, count: 1, first: now });
    // Bounded like the correlator's LRU cache: forget the oldest.
    if (seen.size > maxRemembered) seen.delete(seen.keys().next().value as string);
    chain = chain.then(async () => {
      const body: CoreV1Event = {
        metadata: { name, namespace },
        involvedObject: { kind: 'Pod', apiVersion: 'v1', namespace, name: podName, uid: pod.metadata?.uid, fieldPath },
        reason, message, type, count: 1,
        firstTimestamp: now, lastTimestamp: now,
        source: { component: 'kubelet', host: nodeName },
        reportingComponent: 'kubelet', reportingInstance: nodeName,
      };
      await core.createNamespacedEvent({ namespace, body });
    }).catch(failed);
  };
}

const specFields = { regular: 'containers', init: 'initContainers', sidecar: 'initContainers', ephemeral: 'ephemeralContainers' } as const;

/** `spec.containers{app}`, `spec.initContainers{setup}`, ...: the container reference of an event. */
export function containerFieldPath(name: string, role: keyof typeof specFields = 'regular'): string {
  return `spec.${specFields[role]}{${name}}`;
}
