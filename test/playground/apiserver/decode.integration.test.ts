// Request bodies decoded as a real kube-apiserver decodes them, through the real kubectl where it
// can send the request and client-node otherwise: MicroTime precision, strict decoding per
// fieldValidation, canonical quantities, Secret stringData, patch results, and kubectl explain
// reading the served OpenAPI schemas.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import type { V1Lease } from '@kubernetes/client-node';
import { startTestApiServer } from './harness.js';
import type { TestApiServer } from './harness.js';

let t: TestApiServer;

beforeAll(async () => {
  t = await startTestApiServer();
});
afterAll(async () => {
  await t.stop();
});

async function ok(args: string[], input?: string): Promise<string> {
  const res = await t.kubectl(args, input);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${res.code}): ${res.stderr}`);
  return res.stdout;
}

const lease = (name: string, renewTime: Date): V1Lease => ({
  apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime },
});

describe('MicroTime fields', () => {
  it('refuses a Lease whose renewTime has milliseconds, in the real server\'s words', async () => {
    const coord = t.kc.makeApiClient(CoordinationV1Api);
    const renewTime = new Date('2026-12-02T17:26:14.592Z');
    const err = await coord.createNamespacedLease({ namespace: 'default', body: lease('millis', renewTime) }).then(() => undefined, (e: unknown) => e);
    const { code, body } = err as { code: number; body: string };
    expect(code).toBe(400);
    expect(JSON.parse(body)).toMatchObject({
      reason: 'BadRequest', code: 400,
      message: 'Lease in version "v1" cannot be handled as a Lease: parsing time "2026-12-02T17:26:14.592Z" as '
        + '"2006-01-02T15:04:05.000000Z07:00": cannot parse ".592Z" as ".000000"',
    });
  });

  it('accepts one with six digits (client-node\'s V1MicroTime) and returns it so', async () => {
    const coord = t.kc.makeApiClient(CoordinationV1Api);
    const renewTime = new V1MicroTime('2026-12-02T17:26:14.592Z');
    await coord.createNamespacedLease({ namespace: 'default', body: lease('micros', renewTime) });
    expect(await ok(['get', 'lease', 'micros', '-o', 'jsonpath={.spec.renewTime}'])).toBe('2026-12-02T17:26:14.592000Z');
  });

  it('refuses a merge patch that leaves a MicroTime in milliseconds, as a 422 on the patch', async () => {
    const res = await t.kubectl(['patch', 'lease', 'micros', '--type=merge', '-p', '{"spec":{"acquireTime":"2026-12-02T17:26:14.592Z"}}']);
    expect(res.code).toBe(1);
    const parsing = 'parsing time "2026-12-02T17:26:14.592Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".592Z" as ".000000"';
    // kubectl words an Invalid without kind and name "The request is invalid", then the causes.
    expect(res.stderr).toMatch(/^The request is invalid: patch: Invalid value: "\{.*\}": (.*)\n$/);
    expect(res.stderr.endsWith(`: ${parsing}\n`)).toBe(true);
    const raw = await t.request('PATCH', '/apis/coordination.k8s.io/v1/namespaces/default/leases/micros', {
      body: { spec: { acquireTime: '2026-12-02T17:26:14.592Z' } }, headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(raw.status).toBe(422);
    const status = JSON.parse(raw.text);
    expect(status).toMatchObject({ reason: 'Invalid', details: { causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] } });
    expect(status.message).toMatch(/^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"coordination.k8s.io\/v1\\",.*\}": /);
    expect(status.message.endsWith(parsing)).toBe(true);
  });
});

const deployment = (extra: string): string => [
  'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  selector:', '    matchLabels: {app: web}',
  '  template:', '    metadata:', '      labels: {app: web}', '    spec:', '      containers:', '      - name: app', '        image: node:22', extra, '',
].join('\n');

describe('unknown fields and fieldValidation', () => {
  it('kubectl create -f (fieldValidation=Strict) refuses an unknown field with the strict decoding error', async () => {
    const res = await t.kubectl(['create', '-f', '-'], deployment('        bogus: 1'));
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a '
      + 'Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].bogus"\n');
  });

  it('--validate=warn creates the object and prints one warning per unknown field', async () => {
    const res = await t.kubectl(['create', '--validate=warn', '-f', '-'], deployment('        bogus: 1\n        ports: [{containerPort: 80, nope: true}]'));
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('Warning: unknown field "spec.template.spec.containers[0].bogus"\n'
      + 'Warning: unknown field "spec.template.spec.containers[0].ports[0].nope"\n');
    const container = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0]}']));
    expect(container).not.toHaveProperty('bogus');
    expect(container.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('--validate=false (fieldValidation=Ignore) drops it silently', async () => {
    const res = await t.kubectl(['create', '--validate=false', '-f', '-'], deployment('        bogus: 1').replace('name: web', 'name: quiet'));
    expect(res).toMatchObject({ code: 0, stderr: '' });
  });

  it('refuses a fieldValidation value the server does not know', async () => {
    const res = await t.request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=strict', { body: { metadata: { name: 'x' } } });
    expect(res.status).toBe(422);
    expect(JSON.parse(res.text).message)
      .toBe('CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"');
  });

  it('a JSON type error names the Go field', async () => {
    const res = await t.kubectl(['create', '-f', '-'], deployment('        ports: [{containerPort: "80"}]').replace('name: web', 'name: typed'));
    expect(res.stderr).toBe('Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: '
      + 'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32\n');
  });
});

describe('values written back as the server serializes them', () => {
  it('quantities in canonical form', async () => {
    await ok(['create', '-f', '-'], deployment('        resources: {limits: {cpu: 1000m, memory: 1024Mi}, requests: {cpu: "0.5"}}').replace('name: web', 'name: sized'));
    const resources = JSON.parse(await ok(['get', 'deploy', 'sized', '-o', 'jsonpath={.spec.template.spec.containers[0].resources}']));
    expect(resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } });
    const res = await t.kubectl(['set', 'resources', 'deploy/sized', '--limits=memory=5Gb']);
    expect(res.stderr).toContain('quantities must match the regular expression');
  });

  it('Secret stringData merged into data, never stored', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: idp-secret\ndata:\n  a: YQ==\nstringData:\n  IDP_TOKEN: s3cr3t\n';
    await ok(['create', '-f', '-'], secret);
    const stored = JSON.parse(await ok(['get', 'secret', 'idp-secret', '-o', 'json']));
    expect(stored.data).toEqual({ a: 'YQ==', IDP_TOKEN: Buffer.from('s3cr3t').toString('base64') });
    expect(stored).not.toHaveProperty('stringData');
    await ok(['patch', 'secret', 'idp-secret', '--type=merge', '-p', '{"stringData":{"a":"changed"}}']);
    expect(await ok(['get', 'secret', 'idp-secret', '-o', 'jsonpath={.data.a}'])).toBe(Buffer.from('changed').toString('base64'));
  });
});

describe('kubectl explain', () => {
  it('explains a kind from the served schemas', async () => {
    const out = await ok(['explain', 'pods']);
    expect(out).toMatch(/^KIND: +Pod\nVERSION: +v1\n/);
    expect(out).toMatch(/\n {2}spec\t<PodSpec>\n/);
    expect(out).toMatch(/\n {2}metadata\t<ObjectMeta>\n/);
  });

  it('follows a field path into nested types', async () => {
    const out = await ok(['explain', 'deployment.spec.template']);
    expect(out).toMatch(/^GROUP: +apps\nKIND: +Deployment\nVERSION: +v1\n\nFIELD: template <PodTemplateSpec>\n/);
    expect(out).toMatch(/\n {2}spec\t<PodSpec>\n/);
    expect(await ok(['explain', 'pods.spec.containers.resources.limits'])).toMatch(/FIELD: limits <map\[string\]Quantity>/);
  });

  it('keeps server-side field validation: kubectl apply still leaves unknown fields to the server', async () => {
    const res = await t.kubectl(['apply', '-f', '-'], deployment('        bogus: 1').replace('name: web', 'name: applied'));
    expect(res.stderr).toContain('strict decoding error: unknown field "spec.template.spec.containers[0].bogus"');
  });
});
