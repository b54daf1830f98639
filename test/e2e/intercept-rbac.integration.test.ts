// Developers as a cluster admin sets them up, with RBAC in force: the Role docs/rbac.md gives is
// enough for an intercept and its restore; a Role missing a permission is refused before anything
// changes, naming each missing verb and resource; and what the API server itself forbids reaches
// the user in its own words.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept, runInterceptOk } from '../helpers/cli.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';
import { createRestrictedUser, type PolicyRule } from '../playground/restricted-user.js';
import { get, startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from './harness.js';

let pg: TestPlayground;
let local: LocalApp;
let holder: Holder | undefined;

/** The Role of docs/rbac.md, as a reader would copy it. */
function documentedRules(): PolicyRule[] {
  const doc = readFileSync('docs/rbac.md', 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(doc)![1];
  return (yaml.load(block) as { rules: PolicyRule[] }).rules;
}

const user = (name: string, rules: PolicyRule[]) => createRestrictedUser((args, input) => pg.kubectl(args, { input }), pg.kubeconfigPath, { name, rules });

async function leftovers(): Promise<string[]> {
  return (await pg.kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name'])).split('\n').filter((l) => /intercept/.test(l));
}

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  local = await startLocalApp('rbac');
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await local?.close();
  await pg?.stop();
});

describe('intercepts under RBAC', () => {
  it('works with Kubernetes\' own "edit" role, as docs/rbac.md says', async () => {
    const editor = await user('editor', []);
    await pg.kubectlOk(['create', 'rolebinding', 'editor', '--clusterrole=edit', '--serviceaccount=default:editor']);
    holder = startHolder(['orders', '--port', `${local.port}:http`, '--http-header', 'x-dev=edit', '--name', 'editor', '--kubeconfig', editor.kubeconfigPath]);
    await waitActive(holder, 'editor');
    const ip = (await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    expect((await get(ip, 8080, '/orders/2', { 'x-dev': 'edit' })).body).toBe('local:rbac /orders/2');
    expect(await stopHolder(holder)).toBe(0);
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('works with exactly the Role docs/rbac.md gives, and restores', async () => {
    const dev = await user('dev', documentedRules());
    const before = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json'])).spec.template;
    expect(await runInterceptOk(['list', '--kubeconfig', dev.kubeconfigPath])).toMatch(/orders/);
    holder = startHolder(['orders', '--port', `${local.port}:http`, '--http-header', 'x-dev=rbac', '--name', 'dev', '--kubeconfig', dev.kubeconfigPath]);
    await waitActive(holder, 'dev');
    const ip = (await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    expect((await get(ip, 8080, '/orders/1', { 'x-dev': 'rbac' })).body).toBe('local:rbac /orders/1');
    expect(await stopHolder(holder)).toBe(0);
    expect(JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json'])).spec.template).toEqual(before);
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('refuses up front, naming what is missing, and changes nothing', async () => {
    const rules = documentedRules().filter((r) => !r.resources?.includes('pods/portforward'));
    const noForward = await user('no-forward', rules);
    const rv = (await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim();
    const r = await runIntercept(['orders', '--port', '9000:http', '--kubeconfig', noForward.kubeconfigPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: you are not allowed to get pods/portforward in namespace "default", which an intercept needs; nothing was changed\n'
      + '  ask your cluster admin for these permissions (docs/rbac.md has a Role with all of them); check one with `kubectl auth can-i VERB RESOURCE -n NAMESPACE`\n',
    );
    // Several missing: each is named.
    const noLeases = await user('no-leases', documentedRules().filter((r) => !r.apiGroups?.includes('coordination.k8s.io')));
    const e = await runIntercept(['orders', '--port', '9000:http', '--kubeconfig', noLeases.kubeconfigPath]);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/^error: you are not allowed to create leases\.coordination\.k8s\.io, update leases\.coordination\.k8s\.io, delete leases\.coordination\.k8s\.io in namespace "default", which an intercept needs; nothing was changed\n/);
    expect((await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim()).toBe(rv);
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('NetworkPolicies: without list, a warning and the intercept goes on; --update-network-policies without patch is refused up front', async () => {
    const noPolicies = await user('no-policies', documentedRules().filter((r) => !r.resources?.includes('networkpolicies')));
    holder = startHolder(['orders', '--port', `${local.port}:http`, '--http-header', 'x-dev=np', '--name', 'nonp', '--kubeconfig', noPolicies.kubeconfigPath]);
    await waitActive(holder, 'nonp');
    expect(holder.stderr()).toContain('warning: you may not list NetworkPolicies in namespace "default", so it is not known whether one drops the callers on the agent\'s port 15080 (the app\'s is 3000); if requests do not arrive, ask for `list networkpolicies` (docs/rbac.md)\n');
    expect(await stopHolder(holder)).toBe(0);
    expect(await leftovers()).toEqual([]);

    const listOnly = await user('list-policies', documentedRules());
    const rv = (await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim();
    const r = await runIntercept(['orders', '--port', '9000:http', '--update-network-policies', '--kubeconfig', listOnly.kubeconfigPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: you are not allowed to get networkpolicies\.networking\.k8s\.io, patch networkpolicies\.networking\.k8s\.io in namespace "default", which an intercept needs; nothing was changed\n/);
    expect((await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim()).toBe(rv);
  }, 120_000);

  it('passes on what the API server forbids in its own words, naming verb and resource', async () => {
    const viewer = await user('viewer', []);
    await pg.kubectlOk(['create', 'rolebinding', 'viewer', '--clusterrole=view', '--serviceaccount=default:viewer']);
    const r = await runIntercept(['uninstall', 'orders', '--yes', '--kubeconfig', viewer.kubeconfigPath]);
    expect(r.stderr).toBe(
      'error: uninstalling the agent from deployment/orders: leases.coordination.k8s.io is forbidden: User "system:serviceaccount:default:viewer" cannot list resource "leases" in API group "coordination.k8s.io" in the namespace "default"\n'
      + '  ask your cluster admin for the RBAC permission named above\n',
    );
    expect(r.code).toBe(4);
  }, 60_000);
});
