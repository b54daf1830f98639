// Request bodies decoded as kube-apiserver decodes them: each failure shape with the real
// server's status and text, what Strict/Warn/Ignore do with unknown and duplicate fields, and the
// values as the server writes them back.
import { describe, expect, it } from '@jest/globals';
import { decodePatched, decodeWrite } from '../../../../plugin/playground/apiserver/decode/request.js';
import type { Gvk } from '../../../../plugin/playground/apiserver/decode/request.js';
import type { FieldValidation } from '../../../../plugin/playground/apiserver/decode/options.js';
import { writeOptions } from '../../../../plugin/playground/apiserver/decode/options.js';
import { ApiError } from '../../../../plugin/playground/apiserver/status.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const pod: Gvk = { group: '', version: 'v1', kind: 'Pod' };
const lease: Gvk = { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' };
const service: Gvk = { group: '', version: 'v1', kind: 'Service' };
const secret: Gvk = { group: '', version: 'v1', kind: 'Secret' };
const deployment: Gvk = { group: 'apps', version: 'v1', kind: 'Deployment' };

function decode(target: Gvk, body: unknown, fieldValidation: FieldValidation = 'Strict', warnings: string[] = []): Obj {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return decodeWrite(target, 'application/json', Buffer.from(text), { fieldValidation, warnings });
}

function failure(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return { code: err.code, reason: err.reason, message: err.message };
    throw err;
  }
  throw new Error('expected the decode to fail');
}

const leaseWith = (spec: Obj): Obj => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec });
const podWith = (container: Obj, spec: Obj = {}): Obj => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'node', ...container }], ...spec },
});

describe('decodeWrite: the 400s of a body that does not fit the Go type', () => {
  const cannot = (kind: string, err: string): string => `${kind} in version "v1" cannot be handled as a ${kind}: ${err}`;
  it.each([
    ['a Lease renewTime in milliseconds', lease, leaseWith({ renewTime: '2026-12-02T17:26:14.592Z' }),
      cannot('Lease', 'parsing time "2026-12-02T17:26:14.592Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".592Z" as ".000000"')],
    ['a Lease acquireTime in whole seconds', lease, leaseWith({ acquireTime: '2026-12-02T17:26:14Z' }),
      cannot('Lease', 'parsing time "2026-12-02T17:26:14Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"')],
    ['a MicroTime given as a number', lease, leaseWith({ renewTime: 5 }),
      cannot('Lease', 'json: cannot unmarshal number into Go value of type string')],
    ['a Time that is no time', pod, { ...podWith({}), metadata: { name: 'p', creationTimestamp: 'now' } },
      cannot('Pod', 'parsing time "now" as "2006-01-02T15:04:05Z07:00": cannot parse "now" as "2006"')],
    ['a string for an int32', pod, podWith({ ports: [{ containerPort: '80' }] }),
      cannot('Pod', 'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32')],
    ['an int32 out of range', pod, podWith({ ports: [{ containerPort: 3000000000 }] }),
      cannot('Pod', 'json: cannot unmarshal number 3000000000 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32')],
    ['a fraction for an int64', pod, podWith({}, { terminationGracePeriodSeconds: 1.5 }),
      cannot('Pod', 'json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64')],
    ['a string for a bool', pod, podWith({}, { hostNetwork: 'yes' }),
      cannot('Pod', 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool')],
    ['a bool for a string', pod, podWith({}, { hostname: true }),
      cannot('Pod', 'json: cannot unmarshal bool into Go struct field PodSpec.spec.hostname of type string')],
    ['an object for a list', pod, { ...podWith({}), spec: { containers: {} } },
      cannot('Pod', 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container')],
    ['a string for a struct', pod, { ...podWith({}), metadata: 'p' },
      cannot('Pod', 'json: cannot unmarshal string into Go struct field Pod.metadata of type v1.ObjectMeta')],
    ['a number as a label value', pod, { ...podWith({}), metadata: { name: 'p', labels: { a: 1 } } },
      cannot('Pod', 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string')],
    ['a bad quantity', pod, podWith({ resources: { limits: { memory: '5Gb' } } }),
      cannot('Pod', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")],
    ['a fraction for an int-or-string', service, { kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 80.5 }] } },
      cannot('Service', 'json: cannot unmarshal number 80.5 into Go value of type int32')],
    ['Secret data that is not base64', secret, { kind: 'Secret', metadata: { name: 's' }, data: { a: 'no base64!' } },
      cannot('Secret', 'illegal base64 data at input byte 2')],
    ['a body of another kind', pod, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
      'Service in version "v1" cannot be handled as a Pod: converting (v1.Service) to (core.Pod): unknown conversion'],
    ['a body of another group', lease, { apiVersion: 'v1', kind: 'Lease', metadata: { name: 'l' } },
      cannot('Lease', 'no kind "Lease" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"')],
  ])('%s', (_name, target, body, message) => {
    expect(failure(() => decode(target, body))).toEqual({ code: 400, reason: 'BadRequest', message });
  });

  it.each([
    ['not JSON', 'x', "invalid character 'x' looking for beginning of value (78)"],
    ['a missing value', '{"a":}', "invalid character '}' looking for beginning of value ({\"a\":})"],
    ['a missing comma', '{"a":1 "b":2}', "invalid character '\"' after object key:value pair ({\"a\":1 \"b\":2})"],
    ['an empty body', '', 'unexpected end of JSON input (<empty>)'],
  ])('%s: the object is unrecognized, with the JSON syntax error', (_name, body, tail) => {
    expect(failure(() => decode(pod, body)).message)
      .toBe(`the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: ${tail}`);
  });

  it('an array body fails reading its kind', () => {
    expect(failure(() => decode(pod, '[]')).message).toBe('the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; '
      + 'json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; '
      + 'Kind string "json:\\"kind,omitempty\\"" } (5b5d)');
  });
});

describe('decodeWrite: unknown and duplicate fields', () => {
  const bogus = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"unknownField":"foo","replicas":2,"replicas":3,
    "selector":{"matchLabels":{"app":"x"}},"template":{"spec":{"containers":[{"name":"a","image":"i","bogus":1}]}}}}`;

  it('Strict refuses them all, with their paths (the conformance test\'s text)', () => {
    expect(failure(() => decode(deployment, bogus))).toEqual({
      code: 400, reason: 'BadRequest',
      message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.unknownField", '
        + 'duplicate field "spec.replicas", unknown field "spec.template.spec.containers[0].bogus"',
    });
  });

  it('Warn decodes and warns once per field; the last duplicate wins', () => {
    const warnings: string[] = [];
    const obj = decode(deployment, bogus, 'Warn', warnings);
    expect(warnings).toEqual(['unknown field "spec.unknownField"', 'duplicate field "spec.replicas"', 'unknown field "spec.template.spec.containers[0].bogus"']);
    expect(obj.spec.replicas).toBe(3);
    expect(obj.spec).not.toHaveProperty('unknownField');
    expect(obj.spec.template.spec.containers[0]).toEqual({ name: 'a', image: 'i' });
  });

  it('Ignore drops them silently', () => {
    const warnings: string[] = [];
    expect(decode(deployment, bogus, 'Ignore', warnings).spec).not.toHaveProperty('unknownField');
    expect(warnings).toEqual([]);
  });

  it('a type error wins over strict errors', () => {
    expect(failure(() => decode(pod, { ...podWith({}, { bogus: 1, hostNetwork: 'yes' }) })).message)
      .toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool');
  });
});

describe('decodeWrite: values as the server stores and returns them', () => {
  it('writes quantities in canonical form and times in UTC at their precision', () => {
    const obj = decode(pod, podWith({ resources: { limits: { cpu: '1000m', memory: '1024Mi' }, requests: { cpu: 0.5 } } }, {
      volumes: [{ name: 'v', emptyDir: { sizeLimit: '1.5Gi' } }],
    }));
    expect(obj.spec.containers[0].resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } });
    expect(obj.spec.volumes[0].emptyDir.sizeLimit).toBe('1536Mi');
    const l = decode(lease, leaseWith({ renewTime: '2026-12-02T18:26:14.592000+01:00', holderIdentity: 'me' }));
    expect(l.spec.renewTime).toBe('2026-12-02T17:26:14.592000Z');
    const withTime = decode(pod, { ...podWith({}), status: { startTime: '2026-12-02T17:26:14.592Z' } });
    expect(withTime.status.startTime).toBe('2026-12-02T17:26:14Z');
  });

  it('keeps an int-or-string as given', () => {
    const svc = decode(service, { kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } });
    expect(svc.spec.ports.map((p: Obj) => p.targetPort)).toEqual(['http', 8081]);
  });

  it('merges Secret stringData into data and drops it', () => {
    const s = decode(secret, { kind: 'Secret', metadata: { name: 's' }, data: { a: 'YQ==', b: 'Yg==' }, stringData: { b: 'token', c: 'ç' } });
    expect(s.data).toEqual({ a: 'YQ==', b: Buffer.from('token').toString('base64'), c: Buffer.from('ç').toString('base64') });
    expect(s).not.toHaveProperty('stringData');
  });
});

describe('decodePatched: the 422 on the field "patch"', () => {
  const current = leaseWith({ holderIdentity: 'me' });

  it('a merge patch result echoes the patched object', () => {
    const patched = { ...current, spec: { ...current.spec, renewTime: '2026-12-02T17:26:14.592Z' } };
    const body = Buffer.from(JSON.stringify({ spec: { renewTime: '2026-12-02T17:26:14.592Z' } }));
    const err = failure(() => decodePatched(lease, patched, 'merge', body, { fieldValidation: 'Strict', warnings: [] }));
    expect(err.code).toBe(422);
    expect(err.message).toBe(` "" is invalid: patch: Invalid value: ${JSON.stringify(JSON.stringify(patched))}: `
      + 'parsing time "2026-12-02T17:26:14.592Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".592Z" as ".000000"');
  });

  it('a strategic merge patch goes through the unstructured converter and echoes the patch map', () => {
    const patched = { ...current, spec: { holderIdentity: 5 } };
    const body = Buffer.from('{"spec":{"holderIdentity":5}}');
    const err = failure(() => decodePatched(lease, patched, 'strategic', body, { fieldValidation: 'Strict', warnings: [] }));
    expect(err.message).toBe(' "" is invalid: patch: Invalid value: "map[spec:map[holderIdentity:5]]": cannot convert int64 to string');
  });

  it('Strict refuses unknown fields of the result and duplicates of the patch; Warn warns', () => {
    const patched = { ...current, spec: { ...current.spec, bogus: 1 } };
    const body = Buffer.from('{"spec":{"bogus":1,"bogus":1}}');
    expect(failure(() => decodePatched(lease, patched, 'merge', body, { fieldValidation: 'Strict', warnings: [] })).message)
      .toMatch(/: strict decoding error: duplicate field "spec.bogus", unknown field "spec.bogus"$/);
    const warnings: string[] = [];
    expect(decodePatched(lease, patched, 'merge', body, { fieldValidation: 'Warn', warnings }).spec).toEqual({ holderIdentity: 'me' });
    expect(warnings).toEqual(['duplicate field "spec.bogus"', 'unknown field "spec.bogus"']);
  });
});

describe('writeOptions', () => {
  it('defaults fieldValidation to Warn and refuses values the server does not know', () => {
    expect(writeOptions('POST', new URLSearchParams())).toEqual({ dryRun: false, fieldValidation: 'Warn' });
    expect(writeOptions('PATCH', new URLSearchParams('fieldValidation=Strict&dryRun=All'))).toEqual({ dryRun: true, fieldValidation: 'Strict' });
    const err = failure(() => writeOptions('POST', new URLSearchParams('fieldValidation=strict')));
    expect(err).toEqual({ code: 422, reason: 'Invalid',
      message: 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"' });
    expect(failure(() => writeOptions('PUT', new URLSearchParams('dryRun=x&fieldValidation=no'))).message).toBe('UpdateOptions.meta.k8s.io "" is invalid: '
      + '[dryRun: Unsupported value: []string{"x"}: supported values: "All", fieldValidation: Unsupported value: "no": supported values: "", "Ignore", "Strict", "Warn"]');
  });
});
