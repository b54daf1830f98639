// events.k8s.io/v1 Events are a second view of the core v1 Events: kube-apiserver keeps one
// storage (the internal core.Event) and converts each version in and out of it
// (pkg/apis/events/v1/conversion.go Convert_v1_Event_To_core_Event and back: regarding is
// involvedObject, note is message, deprecatedSource/FirstTimestamp/LastTimestamp/Count are
// source/firstTimestamp/lastTimestamp/count; reportingController is core's reportingComponent).

import type { ResourceInfo } from './resources.js';
import type { StoreView } from './store.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** [events.k8s.io/v1 field, core/v1 field] for the fields whose names differ. */
const renamed: [string, string][] = [
  ['regarding', 'involvedObject'], ['note', 'message'], ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'], ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'], ['deprecatedCount', 'count'],
];
const toCoreName = new Map(renamed);
const fromCoreName = new Map(renamed.map(([v1, core]) => [core, v1]));

// Field order of each Go struct, so the JSON reads as the real server's (k8s.io/api types.go).
const coreOrder = ['kind', 'apiVersion', 'metadata', 'involvedObject', 'reason', 'message', 'source', 'firstTimestamp',
  'lastTimestamp', 'count', 'type', 'eventTime', 'series', 'action', 'related', 'reportingComponent', 'reportingInstance'];
const v1Order = ['kind', 'apiVersion', 'metadata', 'eventTime', 'series', 'reportingController', 'reportingInstance', 'action',
  'reason', 'regarding', 'related', 'note', 'type', 'deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp',
  'deprecatedCount'];

function rename(obj: Obj, names: Map<string, string>, order: string[], apiVersion: string): Obj {
  const moved: Obj = {};
  for (const [key, value] of Object.entries(obj)) moved[names.get(key) ?? key] = value;
  moved.apiVersion = apiVersion;
  moved.kind = 'Event';
  const out: Obj = {};
  for (const key of order) if (moved[key] !== undefined) out[key] = moved[key];
  for (const [key, value] of Object.entries(moved)) if (!(key in out) && value !== undefined) out[key] = value;
  return out;
}

/** An events.k8s.io/v1 Event in the core v1 form it is stored in. */
export function eventToCore(event: Obj): Obj {
  return rename(event, toCoreName, coreOrder, 'v1');
}

/** A stored core v1 Event as events.k8s.io/v1 shows it. */
export function eventFromCore(event: Obj): Obj {
  return rename(event, fromCoreName, v1Order, 'events.k8s.io/v1');
}

/** The stored form of an object of a resource that is a view of another one. */
export function storageForm(group: string, kind: string, obj: Obj): Obj {
  return group === 'events.k8s.io' && kind === 'Event' ? eventToCore(obj) : obj;
}

/**
 * The events.k8s.io field labels and the core ones they select on: the field label conversion
 * kube-apiserver registers for events.k8s.io/v1 Event (regarding.* for involvedObject.*,
 * reportingController for reportingComponent; the rest keep their names).
 */
export function coreEventFieldLabel(label: string): string | undefined {
  if (label.startsWith('regarding.')) return `involvedObject.${label.slice('regarding.'.length)}`;
  if (label === 'reportingController') return 'reportingComponent';
  if (['metadata.name', 'metadata.namespace', 'reason', 'type', 'source'].includes(label)) return label;
  return undefined;
}

/** How the Store serves a resource that is a view of another's storage. */
export function storeView(info: ResourceInfo): StoreView {
  if (info.group !== 'events.k8s.io' || info.kind !== 'Event' || !info.storedAs) throw new Error(`no conversion for ${info.resource}.${info.group}`);
  return { storage: info.storedAs, fromStorage: eventFromCore, toStorage: eventToCore };
}
