// Server-side apply and managedFields through the real kubectl: apply creates, every write
// records its manager's fields, a changed field another manager owns is a 409 in the field
// manager's words unless forced, equal values are co-owned, and fields an applier drops go.
import { describe, expect, it } from '@jest/globals';
import { useTestApiServer } from './harness.js';

const server = useTestApiServer();
const ok = (args: string[], input?: string): Promise<string> => server().ok(args, input);

const configMap = (name: string, data: Record<string, string>): string => [
  'apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`, 'data:', ...Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`), '',
].join('\n');

async function managedFields(resource: string, name: string): Promise<Record<string, unknown>[]> {
  const obj = JSON.parse(await ok(['get', resource, name, '-o', 'json', '--show-managed-fields']));
  return obj.metadata.managedFields.map(({ time, ...entry }: { time: string }) => {
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    return entry;
  });
}

const entry = (manager: string, operation: string, fieldsV1: unknown, apiVersion = 'v1'): Record<string, unknown> => ({
  manager, operation, apiVersion, fieldsType: 'FieldsV1', fieldsV1,
});

describe('kubectl apply --server-side', () => {
  it('creates an absent object, owned by the applier', async () => {
    expect(await ok(['apply', '--server-side', '-f', '-'], configMap('applied', { a: '1' }))).toBe('configmap/applied serverside-applied\n');
    expect(await managedFields('configmap', 'applied')).toEqual([entry('kubectl', 'Apply', { 'f:data': { 'f:a': {} } })]);
    const raw = await server().request('PATCH', '/api/v1/namespaces/default/configmaps/raw?fieldManager=me',
      { body: configMap('raw', { a: '1' }), headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    expect(raw.status).toBe(201);
  });

  it('refuses to change a field another manager owns, naming the manager and the field', async () => {
    await ok(['create', 'configmap', 'made', '--from-literal=a=1']);
    expect(await managedFields('configmap', 'made')).toEqual([entry('kubectl-create', 'Update', { 'f:data': { '.': {}, 'f:a': {} } })]);
    const res = await server().kubectl(['apply', '--server-side', '-f', '-'], configMap('made', { a: '2' }));
    expect(res.code).toBe(1);
    expect(res.stderr.split('\n')[0]).toBe('error: Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.a');
    const raw = await server().request('PATCH', '/api/v1/namespaces/default/configmaps/made?fieldManager=kubectl',
      { body: configMap('made', { a: '2' }), headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    expect(raw.status).toBe(409);
    expect(JSON.parse(raw.text)).toMatchObject({
      reason: 'Conflict', code: 409,
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-create" using v1', field: '.data.a' }] },
    });
  });

  it('takes the field over with --force-conflicts', async () => {
    await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], configMap('made', { a: '2' }));
    expect(await ok(['get', 'configmap', 'made', '-o', 'jsonpath={.data.a}'])).toBe('2');
    expect(await managedFields('configmap', 'made')).toEqual([
      entry('kubectl', 'Apply', { 'f:data': { 'f:a': {} } }),
      // kubectl-create keeps the map itself: a member without children is written `{}`.
      entry('kubectl-create', 'Update', { 'f:data': {} }),
    ]);
  });

  it('co-owns a field applied with the value it has, and removes what the applier alone dropped', async () => {
    await ok(['apply', '--server-side', '--field-manager=second', '-f', '-'], configMap('made', { a: '2', b: '3' }));
    await ok(['apply', '--server-side', '-f', '-'], configMap('made', { c: '4' }));
    // a stays (second still applies it), c is kubectl's, b is second's.
    expect(await ok(['get', 'configmap', 'made', '-o', 'jsonpath={.data}'])).toBe('{"a":"2","b":"3","c":"4"}');
    await ok(['apply', '--server-side', '--field-manager=second', '-f', '-'], configMap('made', { b: '3' }));
    expect(await ok(['get', 'configmap', 'made', '-o', 'jsonpath={.data}'])).toBe('{"b":"3","c":"4"}');
  });

  it('merges keyed lists item by item and names a subresource manager in a conflict', async () => {
    const deployment = (image: string, replicas = ''): string => [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', ...(replicas ? [`  replicas: ${replicas}`] : []),
      '  selector: {matchLabels: {app: web}}', '  template:', '    metadata: {labels: {app: web}}', '    spec:', '      containers:',
      `      - {name: app, image: "${image}", ports: [{containerPort: 8080}]}`, '',
    ].join('\n');
    await ok(['apply', '--server-side', '-f', '-'], deployment('node:22'));
    await ok(['apply', '--server-side', '-f', '-'], deployment('node:23'));
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].image} {.spec.template.spec.containers[0].ports}']))
      .toBe('node:23 [{"containerPort":8080,"protocol":"TCP"}]');
    const [applied] = await managedFields('deploy', 'web');
    expect(applied).toMatchObject({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1' });
    expect((applied.fieldsV1 as { 'f:spec': { 'f:template': { 'f:spec': unknown } } })['f:spec']['f:template']['f:spec']).toEqual({
      'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } },
    });
    await ok(['scale', 'deploy', 'web', '--replicas=3']);
    const res = await server().kubectl(['apply', '--server-side', '-f', '-'], deployment('node:23', '2'));
    expect(res.stderr.split('\n')[0]).toBe('error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    const other = await server().kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], deployment('node:24'));
    expect(other.stderr.split('\n')[0]).toBe('error: Apply failed with 1 conflict: conflict with "kubectl": .spec.template.spec.containers[name="app"].image');
  });
});

describe('apply requests the handler refuses', () => {
  const patch = (path: string, body: string, type = 'application/apply-patch+yaml') =>
    server().request('PATCH', path, { body, headers: { 'Content-Type': type } });

  it('needs a fieldManager, and force belongs to apply', async () => {
    const noManager = await patch('/api/v1/namespaces/default/configmaps/x', configMap('x', {}));
    expect(noManager.status).toBe(422);
    expect(JSON.parse(noManager.text).message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const forced = await patch('/api/v1/namespaces/default/configmaps/made?force=true', '{}', 'application/merge-patch+json');
    expect(JSON.parse(forced.text).message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  it('refuses another version and undeclared fields', async () => {
    const version = await patch('/apis/apps/v1/namespaces/default/deployments/web?fieldManager=me', 'apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: web}\n');
    expect(JSON.parse(version.text)).toMatchObject({ code: 400, message: 'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1' });
    const bogus = await patch('/api/v1/namespaces/default/configmaps/x?fieldManager=me', `${configMap('x', {})}bogus: 1\n`);
    expect(JSON.parse(bogus.text)).toMatchObject({ code: 400, message: 'failed to create typed patch object (/v1, Kind=ConfigMap): .bogus: field not declared in schema' });
  });

  it('lists apply among the accepted types, except on the subresources without it', async () => {
    const yamlPatch = await patch('/api/v1/namespaces/default/configmaps/made', '{}', 'application/yaml');
    expect(JSON.parse(yamlPatch.text).message).toBe('the body of the request was in an unknown format - accepted media types include: '
      + 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml');
    const scale = await patch('/apis/apps/v1/namespaces/default/deployments/web/scale?fieldManager=me', '{}');
    expect(scale.status).toBe(415);
  });
});
