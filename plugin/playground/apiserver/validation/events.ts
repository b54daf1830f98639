// Event validation (pkg/apis/core/validation/events.go): every Event passes the legacy rules;
// one written through events.k8s.io/v1 also gets the strict ones (ValidateEventCreate and
// ValidateEventUpdate skip them for requests in core v1). The rules read the internal
// core.Event, so an events.k8s.io body is checked in its stored form and the errors name core's
// fields (message, not note).
import { eventToCore } from '../event-versions.js';
import { invalid, invalidEach, required, type FieldError } from './field-error.js';
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Subdomain, isQualifiedName } from './names.js';
import { str, type Obj } from './types.js';

const reportingInstanceLengthLimit = 128;
const actionLengthLimit = 128;
const reasonLengthLimit = 128;
const noteLengthLimit = 1024;

const strictGroup = 'events.k8s.io';

// A zero time.Time: absent, null, or the empty string a client may send.
const unset = (v: unknown): boolean => v === undefined || v === null || v === '';

function lengthLimit(errs: FieldError[], path: string, value: string, limit: number): void {
  if (value.length > limit) errs.push(invalid(path, '', `can have at most ${limit} characters`));
}

function legacyValidateEvent(event: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(event.metadata?.namespace);
  const involvedNs = str(event.involvedObject?.namespace);
  const mismatch = (): FieldError => invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  if (unset(event.eventTime)) {
    // Old-style events: the namespaces agree ("default" allowed for cluster-scoped objects).
    if (involvedNs === '' ? ns !== '' && ns !== 'default' : ns !== involvedNs) errs.push(mismatch());
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch());
    const controller = str(event.reportingComponent);
    if (controller === '') errs.push(required('reportingController', ''));
    errs.push(...invalidEach('reportingController', controller, isQualifiedName(controller)));
    const instance = str(event.reportingInstance);
    if (instance === '') errs.push(required('reportingInstance', ''));
    lengthLimit(errs, 'reportingInstance', instance, reportingInstanceLengthLimit);
    const action = str(event.action);
    if (action === '') errs.push(required('action', ''));
    lengthLimit(errs, 'action', action, actionLengthLimit);
    const reason = str(event.reason);
    if (reason === '') errs.push(required('reason', ''));
    lengthLimit(errs, 'reason', reason, reasonLengthLimit);
    lengthLimit(errs, 'message', str(event.message), noteLengthLimit);
  }
  errs.push(...invalidEach('namespace', ns, isDNS1123Subdomain(ns)));
  return errs;
}

function validateV1EventSeries(event: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const series = event.series;
  if (series !== undefined && series !== null) {
    if (!(Number(series.count ?? 0) >= 2)) errs.push(invalid('series.count', '', 'should be at least 2'));
    if (unset(series.lastObservedTime)) errs.push(required('series.lastObservedTime', ''));
  }
  return errs;
}

/** ValidateEventCreate, for a body in the form of the request's group. */
export function validateEventCreate(body: Obj, group: string): FieldError[] {
  const event = group === strictGroup ? eventToCore(body) : body;
  const errs = legacyValidateEvent(event);
  if (group !== strictGroup) return errs;
  errs.push(...validateObjectMeta(event.metadata, isDNS1123Subdomain));
  errs.push(...validateV1EventSeries(event));
  if (unset(event.eventTime)) errs.push(required('eventTime', ''));
  const type = str(event.type);
  if (type !== 'Normal' && type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${type}`));
  if (!unset(event.firstTimestamp)) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (!unset(event.lastTimestamp)) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (Number(event.count ?? 0) !== 0) errs.push(invalid('count', '', 'needs to be unset'));
  if (str(event.source?.component) !== '' || str(event.source?.host) !== '') errs.push(invalid('source', '', 'needs to be unset'));
  return errs;
}

const immutableFields = ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'reason',
  'type', 'eventTime', 'action', 'related', 'reportingComponent', 'reportingInstance'];

/** ValidateEventUpdate: through events.k8s.io/v1 only the series may change. */
export function validateEventUpdate(body: Obj, oldBody: Obj, group: string): FieldError[] {
  const [event, old] = group === strictGroup ? [eventToCore(body), eventToCore(oldBody)] : [body, oldBody];
  const errs = legacyValidateEvent(event);
  if (group !== strictGroup) return errs;
  errs.push(...validateObjectMetaUpdate(event.metadata, old.metadata));
  if (JSON.stringify(event.series) !== JSON.stringify(old.series)) errs.push(...validateV1EventSeries(event));
  for (const field of immutableFields) {
    // The path is the internal field's Go name: reportingController for core's reportingComponent.
    errs.push(...immutable(event[field], old[field], field === 'reportingComponent' ? 'reportingController' : field));
  }
  return errs;
}
