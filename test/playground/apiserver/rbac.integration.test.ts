// RBAC in the playground API server with the real kubectl as witness: a ServiceAccount, a Role and
// a RoleBinding made with kubectl, a token from `kubectl create token`, then that user's allowed
// and refused requests with kube-apiserver's exact 403 texts, `kubectl auth can-i`, watch told from
// list, the bootstrap ClusterRoles, escalation checks, impersonation, and tokens that die with
// their ServiceAccount.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApiServer } from './harness.js';
import type { TestApiServer } from './harness.js';
import { createRestrictedUser, type RestrictedUser } from '../restricted-user.js';

let t: TestApiServer;
let dev: RestrictedUser;
const devUser = 'system:serviceaccount:default:dev';

async function ok(args: string[], input?: string): Promise<string> {
  const res = await t.kubectl(args, input);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${res.code}): ${res.stderr}`);
  return res.stdout;
}

/** kubectl as a restricted user (its kubeconfig comes after the admin's, so it wins). */
const as = (u: RestrictedUser, args: string[]) => t.kubectl([`--kubeconfig=${u.kubeconfigPath}`, ...args]);

const bearer = (u: RestrictedUser) => ({ Authorization: `Bearer ${u.token}` });

beforeAll(async () => {
  t = await startTestApiServer();
  await ok(['create', 'deployment', 'orders', '--image=node:22']);
  await ok(['create', 'namespace', 'team-b']);
  dev = await createRestrictedUser((args, input) => t.kubectl(args, input), t.kubeconfigPath, {
    name: 'dev',
    rules: [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
    ],
  });
});

afterAll(async () => {
  await t.stop();
});

describe('a ServiceAccount bound to a Role', () => {
  it('is made by kubectl as a cluster admin would, and shows in kubectl get', async () => {
    expect(dev.user).toBe(devUser);
    expect(dev.token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const out = await ok(['get', 'role,rolebinding,sa', '--no-headers']);
    expect(out).toMatch(/^role\.rbac\.authorization\.k8s\.io\/dev\s+\d{4}-\d\d-\d\dT/m);
    expect(out).toMatch(/^rolebinding\.rbac\.authorization\.k8s\.io\/dev\s+Role\/dev\s+\d+s$/m);
    expect(out).toMatch(/^serviceaccount\/dev\s+0\s+\d+s$/m);
    const yaml = await ok(['get', 'rolebinding', 'dev', '-o', 'yaml']);
    expect(yaml).toContain('roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: dev\n');
    expect(yaml).toContain('subjects:\n- kind: ServiceAccount\n  name: dev\n  namespace: default\n');
  });

  it('does what its Role grants', async () => {
    expect((await as(dev, ['get', 'pods'])).stderr).toBe('No resources found in default namespace.\n');
    expect((await as(dev, ['get', 'deploy', 'orders', '-o', 'name'])).stdout).toBe('deployment.apps/orders\n');
    expect((await as(dev, ['create', 'configmap', 'mine', '--from-literal=a=b'])).stdout).toBe('configmap/mine created\n');
  });

  it('is refused everything else with kube-apiserver\'s words', async () => {
    const cases: [string[], string][] = [
      [['get', 'secrets'], `secrets is forbidden: User "${devUser}" cannot list resource "secrets" in API group "" in the namespace "default"`],
      [['patch', 'deploy', 'orders', '-p', '{"spec":{"replicas":2}}'],
        `deployments.apps "orders" is forbidden: User "${devUser}" cannot patch resource "deployments" in API group "apps" in the namespace "default"`],
      [['get', 'nodes'], `nodes is forbidden: User "${devUser}" cannot list resource "nodes" in API group "" at the cluster scope`],
      [['get', 'pods', '-n', 'team-b'], `pods is forbidden: User "${devUser}" cannot list resource "pods" in API group "" in the namespace "team-b"`],
      [['delete', 'deploy', 'orders'],
        `deployments.apps "orders" is forbidden: User "${devUser}" cannot delete resource "deployments" in API group "apps" in the namespace "default"`],
    ];
    for (const [args, message] of cases) {
      const res = await as(dev, args);
      expect({ args, code: res.code, stderr: res.stderr }).toEqual({ args, code: 1, stderr: `Error from server (Forbidden): ${message}\n` });
    }
  });

  it('answers a refusal with a Forbidden Status naming group, resource and object', async () => {
    const res = await t.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/orders/scale', {
      body: { spec: { replicas: 3 } }, headers: { ...bearer(dev), 'Content-Type': 'application/merge-patch+json' },
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: `deployments.apps "orders" is forbidden: User "${devUser}" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"`,
      reason: 'Forbidden', details: { name: 'orders', group: 'apps', kind: 'deployments' }, code: 403,
    });
  });

  it('tells a watch from a list', async () => {
    const watchPods = await t.request('GET', '/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1', { headers: bearer(dev) });
    expect(watchPods.status).toBe(403);
    expect(JSON.parse(watchPods.text).message).toBe(`pods is forbidden: User "${devUser}" cannot watch resource "pods" in API group "" in the namespace "default"`);
    expect((await t.request('GET', '/api/v1/namespaces/default/pods', { headers: bearer(dev) })).status).toBe(200);
    const watchDeploys = await t.request('GET', '/apis/apps/v1/namespaces/default/deployments?watch=1&timeoutSeconds=1', { headers: bearer(dev) });
    expect(watchDeploys.status).toBe(200);
    // A field selector on metadata.name makes a list a request for that one name.
    const named = await t.request('GET', '/api/v1/namespaces/default/secrets?fieldSelector=metadata.name%3Dx', { headers: bearer(dev) });
    expect(JSON.parse(named.text).message).toBe(`secrets "x" is forbidden: User "${devUser}" cannot list resource "secrets" in API group "" in the namespace "default"`);
  });

  it('answers kubectl auth can-i, with its token or impersonated by the admin', async () => {
    const can = async (args: string[]) => (await t.kubectl(['auth', 'can-i', ...args])).stdout.trim();
    expect(await can(['list', 'pods', `--token=${dev.token}`])).toBe('yes');
    expect(await can(['watch', 'pods', `--token=${dev.token}`])).toBe('no');
    expect(await can(['patch', 'deployments', '-n', 'default', `--as=${devUser}`])).toBe('no');
    expect(await can(['get', 'deployments.apps', '-n', 'default', `--as=${devUser}`])).toBe('yes');
    expect(await can(['list', 'pods', '-n', 'team-b', `--as=${devUser}`])).toBe('no');
    const whoami = await ok(['auth', 'whoami', `--token=${dev.token}`]);
    expect(whoami).toMatch(new RegExp(`Username\\s+${devUser}\\n`));
    expect(whoami).toMatch(/Groups\s+\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]/);
  });

  it('may not impersonate anyone', async () => {
    const res = await as(dev, ['get', 'pods', '--as=someone']);
    expect(res.stderr).toBe(`Error from server (Forbidden): users "someone" is forbidden: User "${devUser}" cannot impersonate resource "users" in API group "" at the cluster scope\n`);
  });
});

describe('bootstrap ClusterRoles', () => {
  it('view, bound cluster-wide, reads every namespace but changes nothing and sees no secrets', async () => {
    const viewer = await createRestrictedUser((args, input) => t.kubectl(args, input), t.kubeconfigPath, { name: 'viewer', rules: [] });
    await ok(['create', 'clusterrolebinding', 'viewer', '--clusterrole=view', '--serviceaccount=default:viewer']);
    expect((await as(viewer, ['get', 'deploy', '-A', '-o', 'name'])).stdout).toBe('deployment.apps/orders\n');
    expect((await as(viewer, ['get', 'pods', '-n', 'team-b'])).code).toBe(0);
    expect((await as(viewer, ['get', 'leases', '-n', 'kube-node-lease'])).stderr).toBe(
      'Error from server (Forbidden): leases.coordination.k8s.io is forbidden: User "system:serviceaccount:default:viewer" cannot list resource "leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease"\n');
    expect((await as(viewer, ['patch', 'deploy', 'orders', '-p', '{"spec":{"replicas":2}}'])).stderr).toBe(
      'Error from server (Forbidden): deployments.apps "orders" is forbidden: User "system:serviceaccount:default:viewer" cannot patch resource "deployments" in API group "apps" in the namespace "default"\n');
    expect((await as(viewer, ['get', 'secrets', '-n', 'team-b'])).code).toBe(1);
    const portForward = await t.kubectl(['auth', 'can-i', 'get', 'pods', '--subresource=portforward', '--as=system:serviceaccount:default:viewer']);
    expect(portForward.stdout).toBe('no\n');
  });

  it('edit allows port-forward, workload writes and leases, as in Kubernetes 1.25 and later', async () => {
    await ok(['create', 'serviceaccount', 'editor']);
    await ok(['create', 'rolebinding', 'editor', '--clusterrole=edit', '--serviceaccount=default:editor']);
    const can = async (...args: string[]) => (await t.kubectl(['auth', 'can-i', ...args, '--as=system:serviceaccount:default:editor'])).stdout.trim();
    // `pods/portforward` would be read as the pod named portforward: the subresource is a flag.
    expect(await can('create', 'pods', '--subresource=portforward')).toBe('yes');
    expect(await can('get', 'pods', '--subresource=portforward')).toBe('yes');
    expect(await can('patch', 'deployments.apps')).toBe('yes');
    expect(await can('delete', 'secrets')).toBe('yes');
    expect(await can('update', 'leases.coordination.k8s.io')).toBe('yes');
    expect(await can('create', 'roles.rbac.authorization.k8s.io')).toBe('no');
    expect(await can('update', 'deployments', '--subresource=status')).toBe('no');
    expect(await can('list', 'pods', '-n', 'team-b')).toBe('no');
    expect(await ok(['get', 'clusterrole', 'edit', '-o', 'jsonpath={.aggregationRule.clusterRoleSelectors[0].matchLabels}'])).toBe(
      '{"rbac.authorization.k8s.io/aggregate-to-edit":"true"}');
  });

  it('a RoleBinding to a missing Role grants nothing and says why', async () => {
    await ok(['create', 'serviceaccount', 'lost']);
    await ok(['create', 'rolebinding', 'lost', '--role=ghost', '--serviceaccount=default:lost']);
    const res = await t.kubectl(['get', 'pods', '--as=system:serviceaccount:default:lost']);
    expect(res.stderr).toBe('Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:lost" cannot list resource "pods" in API group "" in the namespace "default": RBAC: role.rbac.authorization.k8s.io "ghost" not found\n');
  });
});

describe('escalation checks', () => {
  it('lets a namespace admin grant only what it holds', async () => {
    const admin = await createRestrictedUser((args, input) => t.kubectl(args, input), t.kubeconfigPath, { name: 'nsadmin', namespace: 'team-b', rules: [] });
    await ok(['create', 'rolebinding', 'nsadmin', '-n', 'team-b', '--clusterrole=admin', '--serviceaccount=team-b:nsadmin']);
    expect((await as(admin, ['create', 'role', 'reader', '-n', 'team-b', '--verb=get', '--resource=pods'])).code).toBe(0);
    const refused = await as(admin, ['create', 'role', 'nodes', '-n', 'team-b', '--verb=get,list', '--resource=nodes']);
    expect(refused.stderr).toBe([
      'Error from server (Forbidden): roles.rbac.authorization.k8s.io "nodes" is forbidden: user "system:serviceaccount:team-b:nsadmin" (groups=["system:serviceaccounts" "system:serviceaccounts:team-b" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:',
      '{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}', '',
    ].join('\n'));
    const bind = await as(admin, ['create', 'rolebinding', 'up', '-n', 'team-b', '--clusterrole=cluster-admin', '--user=me']);
    expect(bind.stderr).toContain('rolebindings.rbac.authorization.k8s.io "up" is forbidden: user "system:serviceaccount:team-b:nsadmin"');
    expect(bind.stderr).toContain('{APIGroups:["*"], Resources:["*"], Verbs:["*"]}');
  });
});

describe('the admin and tokens', () => {
  it('the admin (system:masters) is allowed everything', async () => {
    expect((await t.kubectl(['auth', 'can-i', '*', '*'])).stdout).toBe('yes\n');
    expect((await t.kubectl(['get', 'secrets', '-A'])).code).toBe(0);
  });

  it('a token stops working when its ServiceAccount is deleted', async () => {
    const gone = await createRestrictedUser((args, input) => t.kubectl(args, input), t.kubeconfigPath, {
      name: 'gone', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
    });
    expect((await as(gone, ['get', 'pods'])).code).toBe(0);
    await ok(['delete', 'serviceaccount', 'gone']);
    const res = await as(gone, ['get', 'pods']);
    expect(res.stderr).toBe('error: You must be logged in to the server (Unauthorized)\n');
    expect((await t.request('GET', '/api/v1/namespaces/default/pods', { headers: bearer(gone) })).status).toBe(401);
    // A new account of the same name has another uid: the old token stays dead.
    await ok(['create', 'serviceaccount', 'gone']);
    expect((await t.request('GET', '/api/v1/namespaces/default/pods', { headers: bearer(gone) })).status).toBe(401);
  });

  it('TokenRequest answers with the token and its expiry', async () => {
    const res = await t.request('POST', '/api/v1/namespaces/default/serviceaccounts/dev/token', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    });
    expect(res.status).toBe(201);
    const body = JSON.parse(res.text);
    expect(body).toMatchObject({
      kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'dev', namespace: 'default', creationTimestamp: null },
      spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 600, boundObjectRef: null },
    });
    const expires = Date.parse(body.status.expirationTimestamp) - Date.now();
    expect(expires).toBeGreaterThan(590_000);
    expect(expires).toBeLessThan(601_000);
    const short = await t.request('POST', '/api/v1/namespaces/default/serviceaccounts/dev/token', { body: { spec: { expirationSeconds: 60 } } });
    expect(JSON.parse(short.text).message).toBe('TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    const missing = await t.request('POST', '/api/v1/namespaces/default/serviceaccounts/nobody/token', { body: { spec: {} } });
    expect(JSON.parse(missing.text).message).toBe('serviceaccounts "nobody" not found');
  });

  it('anonymous requests reach only the public paths', async () => {
    const anon = { Authorization: '' };
    expect((await t.request('GET', '/version', { headers: anon })).status).toBe(200);
    const pods = await t.request('GET', '/api/v1/pods', { headers: anon });
    expect(pods.status).toBe(403);
    expect(JSON.parse(pods.text).message).toBe('pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" at the cluster scope');
    const api = await t.request('GET', '/api', { headers: anon });
    expect(JSON.parse(api.text).message).toBe('forbidden: User "system:anonymous" cannot get path "/api"');
  });
});
