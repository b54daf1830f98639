// ResourceQuota and LimitRange through the real kubectl: discovery, validation and defaulting,
// the quota controller's status, and the LimitRanger and ResourceQuota admission plugins on pod
// creates with their texts (plugin/pkg/admission/limitranger, plugin/pkg/admission/resourcequota,
// pkg/quota/v1/evaluator/core/pods.go).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startControllers, type ControllerManager } from '../../../plugin/playground/controllers/index.js';
import { useTestApiServer } from './harness.js';

const server = useTestApiServer();
let controllers: ControllerManager;
beforeAll(async () => {
  controllers = await startControllers(server().kc, { controllers: ['resourcequota', 'replicaset'] });
});
afterAll(async () => {
  await controllers.stop();
});

let nsCount = 0;
async function namespace(): Promise<string> {
  const ns = `quota-${++nsCount}`;
  await server().ok(['create', 'namespace', ns]);
  for (let i = 0; i < 100 && (await server().kubectl(['get', 'sa', 'default', '-n', ns])).code !== 0; i++) await new Promise((r) => setTimeout(r, 20));
  return ns;
}

const pod = (name: string, resources?: { requests?: Record<string, string>; limits?: Record<string, string> }): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: { containers: [{ name: 'app', image: 'node:22', ...(resources ? { resources } : {}) }] },
});

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function usedOf(ns: string, quota: string): Promise<Record<string, string>> {
  const out = await server().ok(['get', 'quota', quota, '-n', ns, '-o', 'jsonpath={.status.used}']);
  return out ? JSON.parse(out) : {};
}

describe('discovery', () => {
  it('lists limitranges and resourcequotas with their short names', async () => {
    const out = await server().ok(['api-resources', '--api-group=', '--no-headers']);
    expect(out).toMatch(/^limitranges\s+limits\s+v1\s+true\s+LimitRange$/m);
    expect(out).toMatch(/^resourcequotas\s+quota\s+v1\s+true\s+ResourceQuota$/m);
  });
});

describe('ResourceQuota', () => {
  it('is created by kubectl create quota, counted by the controller and shown by get and describe', async () => {
    const ns = await namespace();
    await server().ok(['create', 'quota', 'compute', '-n', ns, '--hard=requests.cpu=1,requests.memory=1Gi,limits.cpu=2,limits.memory=2Gi,pods=4']);
    await waitFor('status.used', async () => Object.keys(await usedOf(ns, 'compute')).length === 5);
    expect(await usedOf(ns, 'compute')).toEqual({ 'limits.cpu': '0', 'limits.memory': '0', pods: '0', 'requests.cpu': '0', 'requests.memory': '0' });
    expect(await server().ok(['get', 'quota', '-n', ns])).toMatch(
      /^NAME\s+AGE\s+REQUEST\s+LIMIT\ncompute\s+\d+s\s+pods: 0\/4, requests.cpu: 0\/1, requests.memory: 0\/1Gi\s+limits.cpu: 0\/2, limits.memory: 0\/2Gi\n$/);
    await server().ok(['create', '-n', ns, '-f', '-'], pod('sized', { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }));
    // Admission charges the quota in the same step as the create.
    expect(await usedOf(ns, 'compute')).toEqual({ 'limits.cpu': '500m', 'limits.memory': '128Mi', pods: '1', 'requests.cpu': '250m', 'requests.memory': '64Mi' });
    const described = await server().ok(['describe', 'quota', 'compute', '-n', ns]);
    expect(described).toMatch(/^Name:\s+compute\nNamespace:\s+quota-\d+\nResource\s+Used\s+Hard\n-+\s+-+\s+-+\nlimits.cpu\s+500m\s+2\nlimits.memory\s+128Mi\s+2Gi\npods\s+1\s+4\nrequests.cpu\s+250m\s+1\nrequests.memory\s+64Mi\s+1Gi\n$/);
    await server().ok(['delete', 'pod', 'sized', '-n', ns, '--grace-period=0', '--force']);
    await waitFor('the controller to give the usage back', async () => (await usedOf(ns, 'compute')).pods === '0');
  });

  it('refuses a container without the requests and limits it tracks, naming the containers', async () => {
    const ns = await namespace();
    await server().ok(['create', 'quota', 'mem', '-n', ns, '--hard=requests.memory=1Gi,limits.memory=1Gi']);
    await waitFor('status.used', async () => Object.keys(await usedOf(ns, 'mem')).length === 2);
    const res = await server().kubectl(['create', '-n', ns, '-f', '-'], pod('bare'));
    expect(res.stderr).toBe('Error from server (Forbidden): error when creating "STDIN": pods "bare" is forbidden: '
      + 'failed quota: mem: must specify limits.memory for: app; requests.memory for: app\n');
  });

  it('refuses a pod that would exceed it, with what was requested, used and allowed', async () => {
    const ns = await namespace();
    await server().ok(['create', 'quota', 'small', '-n', ns, '--hard=requests.memory=200Mi,limits.memory=256Mi,count/configmaps=1']);
    await waitFor('status.used', async () => Object.keys(await usedOf(ns, 'small')).length === 3);
    await server().ok(['create', '-n', ns, '-f', '-'], pod('first', { requests: { memory: '64Mi' }, limits: { memory: '128Mi' } }));
    const res = await server().kubectl(['create', '-n', ns, '-f', '-'], pod('second', { requests: { memory: '64Mi' }, limits: { memory: '129Mi' } }));
    expect(res.stderr).toBe('Error from server (Forbidden): error when creating "STDIN": pods "second" is forbidden: '
      + 'exceeded quota: small, requested: limits.memory=129Mi, used: limits.memory=128Mi, limited: limits.memory=256Mi\n');
    await server().ok(['create', 'configmap', 'one', '-n', ns]);
    const cm = await server().kubectl(['create', 'configmap', 'two', '-n', ns]);
    expect(cm.stderr).toBe('error: failed to create configmap: configmaps "two" is forbidden: '
      + 'exceeded quota: small, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1\n');
  });

  it('refuses what ValidateResourceQuota refuses, in its words', async () => {
    const ns = await namespace();
    const res = await server().kubectl(['create', '-n', ns, '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'bad' },
      spec: { hard: { widgets: '1', pods: '1500m', 'requests.memory': '-1' }, scopes: ['BestEffort', 'NotBestEffort'] },
    }));
    expect(res.stderr).toBe('The ResourceQuota "bad" is invalid: \n'
      + '* spec.hard[pods]: Invalid value: resource.Quantity{i:resource.int64Amount{value:1500, scale:-3}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1500m", Format:"DecimalSI"}: must be an integer\n'
      + '* spec.hard[requests.memory]: Invalid value: "-1": must be greater than or equal to 0\n'
      + '* spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified\n'
      + '* spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota\n'
      // BestEffort pods have no requests to count.
      + '* spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: unsupported scope applied to resource\n'
      + '* spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: conflicting scopes\n');
  });
});

describe('a ReplicaSet whose pods the quota refuses', () => {
  it('records FailedCreate and the ReplicaFailure condition with the admission\'s message, as the controller does', async () => {
    const ns = await namespace();
    await server().ok(['create', 'quota', 'one-pod', '-n', ns, '--hard=pods=1']);
    await waitFor('status.used', async () => Object.keys(await usedOf(ns, 'one-pod')).length === 1);
    await server().ok(['create', '-n', ns, '-f', '-'], JSON.stringify({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'node:22' }] } } },
    }));
    const failure = /^pods "web-[a-z0-9]{5}" is forbidden: exceeded quota: one-pod, requested: pods=1, used: pods=1, limited: pods=1$/;
    await waitFor('the ReplicaFailure condition', async () => (await server().ok(['get', 'rs', 'web', '-n', ns, '-o', 'jsonpath={.status.conditions}'])) !== '');
    const [condition] = JSON.parse(await server().ok(['get', 'rs', 'web', '-n', ns, '-o', 'jsonpath={.status.conditions}']));
    expect(condition).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' });
    expect(condition.message).toMatch(failure);
    const events = await server().ok(['get', 'events', '-n', ns, '--field-selector', 'reason=FailedCreate', '-o', 'jsonpath={.items[0].message}']);
    expect(events).toMatch(/^Error creating: pods "web-[a-z0-9]{5}" is forbidden: exceeded quota: one-pod, requested: pods=1, used: pods=1, limited: pods=1$/);
  });
});

describe('LimitRange', () => {
  const tight = (extra = ''): string => ['apiVersion: v1', 'kind: LimitRange', 'metadata: {name: tight}', 'spec:', '  limits:',
    '  - type: Container', '    max: {memory: 100Mi}', '    min: {memory: 8Mi}', extra, ''].join('\n');

  it('is applied with the v1 defaults and printed with its creation time', async () => {
    const ns = await namespace();
    await server().ok(['apply', '-n', ns, '-f', '-'], tight());
    expect(await server().ok(['get', 'limits', 'tight', '-n', ns, '-o', 'jsonpath={.spec.limits[0].default} {.spec.limits[0].defaultRequest}']))
      .toBe('{"memory":"100Mi"} {"memory":"100Mi"}');
    expect(await server().ok(['get', 'limitranges', '-n', ns])).toMatch(/^NAME\s+CREATED AT\ntight\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(await server().ok(['describe', 'limits', 'tight', '-n', ns])).toMatch(
      /\nType\s+Resource\s+Min\s+Max\s+Default Request\s+Default Limit\s+Max Limit\/Request Ratio\n[- ]+\nContainer\s+memory\s+8Mi\s+100Mi\s+100Mi\s+100Mi\s+-\n$/);
  });

  it('defaults the resources of a container without them and refuses a limit above its max', async () => {
    const ns = await namespace();
    await server().ok(['apply', '-n', ns, '-f', '-'], tight());
    await server().ok(['create', '-n', ns, '-f', '-'], pod('bare'));
    expect(await server().ok(['get', 'pod', 'bare', '-n', ns, '-o', 'jsonpath={.spec.containers[0].resources} {.metadata.annotations.kubernetes\\.io/limit-ranger}']))
      .toBe('{"limits":{"memory":"100Mi"},"requests":{"memory":"100Mi"}} LimitRanger plugin set: memory request for container app; memory limit for container app');
    const res = await server().kubectl(['create', '-n', ns, '-f', '-'], pod('big', { requests: { memory: '64Mi' }, limits: { memory: '128Mi' } }));
    expect(res.stderr).toBe('Error from server (Forbidden): error when creating "STDIN": pods "big" is forbidden: '
      + 'maximum memory usage per Container is 100Mi, but limit is 128Mi\n');
  });

  it('defaults before validation: a default limit below the container\'s own request is a 422', async () => {
    const ns = await namespace();
    await server().ok(['apply', '-n', ns, '-f', '-'], tight());
    const res = await server().kubectl(['create', '-n', ns, '-f', '-'], pod('asks-more', { requests: { memory: '200Mi' } }));
    expect(res.stderr).toBe('The Pod "asks-more" is invalid: spec.containers[0].resources.requests: Invalid value: "200Mi": must be less than or equal to memory limit of 100Mi\n');
  });

  it('checks the pod as a whole against a Pod item, and the limit to request ratio', async () => {
    const ns = await namespace();
    await server().ok(['apply', '-n', ns, '-f', '-'], ['apiVersion: v1', 'kind: LimitRange', 'metadata: {name: per-pod}', 'spec:', '  limits:',
      '  - {type: Pod, max: {memory: 150Mi}}', '  - {type: Container, maxLimitRequestRatio: {memory: "2"}}', ''].join('\n'));
    const two = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'two' }, spec: { containers: [
      { name: 'app', image: 'node:22', resources: { requests: { memory: '64Mi' }, limits: { memory: '100Mi' } } },
      { name: 'side', image: 'node:22', resources: { requests: { memory: '16Mi' }, limits: { memory: '64Mi' } } }] } });
    const res = await server().kubectl(['create', '-n', ns, '-f', '-'], two);
    expect(res.stderr).toBe('Error from server (Forbidden): error when creating "STDIN": pods "two" is forbidden: '
      + '[maximum memory usage per Pod is 150Mi, but limit is 164Mi, memory max limit to request ratio per Container is 2, but provided ratio is 4.000000]\n');
  });

  it('refuses what ValidateLimitRange refuses, in its words', async () => {
    const ns = await namespace();
    const res = await server().kubectl(['create', '-n', ns, '-f', '-'], ['apiVersion: v1', 'kind: LimitRange', 'metadata: {name: bad}', 'spec:', '  limits:',
      '  - {type: Container, max: {memory: 64Mi}, min: {memory: 128Mi}}', '  - {type: Pod, default: {cpu: "1"}}', ''].join('\n'));
    expect(res.stderr).toBe('The LimitRange "bad" is invalid: \n'
      + '* spec.limits[0].min[memory]: Invalid value: resource.Quantity{i:resource.int64Amount{value:134217728, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"128Mi", Format:"BinarySI"}: min value 128Mi is greater than max value 64Mi\n'
      + '* spec.limits[0].defaultRequest[memory]: Invalid value: resource.Quantity{i:resource.int64Amount{value:67108864, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"64Mi", Format:"BinarySI"}: min value 128Mi is greater than default request value 64Mi\n'
      + '* spec.limits[0].default[memory]: Invalid value: resource.Quantity{i:resource.int64Amount{value:134217728, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"128Mi", Format:"BinarySI"}: min value 128Mi is greater than default value 64Mi\n'
      + "* spec.limits[1].default: Forbidden: may not be specified when `type` is 'Pod'\n");
  });

  it('runs before ResourceQuota: its defaults satisfy a quota that needs limits', async () => {
    const ns = await namespace();
    await server().ok(['apply', '-n', ns, '-f', '-'], tight());
    await server().ok(['create', 'quota', 'mem', '-n', ns, '--hard=limits.memory=1Gi']);
    await waitFor('status.used', async () => Object.keys(await usedOf(ns, 'mem')).length === 1);
    await server().ok(['create', '-n', ns, '-f', '-'], pod('bare'));
    expect(await usedOf(ns, 'mem')).toEqual({ 'limits.memory': '100Mi' });
  });
});

describe('OpenAPI', () => {
  it('gives kubectl explain the fields of both kinds', async () => {
    expect(await server().ok(['explain', 'resourcequota.spec'])).toMatch(/^\s+hard\s+<map\[string\]Quantity>$/m);
    expect(await server().ok(['explain', 'limitrange.spec.limits'])).toMatch(/^\s+maxLimitRequestRatio\s+<map\[string\]Quantity>$/m);
  });
});
