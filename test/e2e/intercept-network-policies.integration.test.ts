// NetworkPolicies around a takeover (issue 16 item 14), created with the real kubectl: a default
// deny plus "allow the app's port 9090" would drop every request the Service sends to the agent's port, so the
// start is refused naming the policy, with nothing changed; --update-network-policies adds the
// agent's port to that rule and the leave (also one from elsewhere after a crash) gives the
// policy back exactly. A policy that allows the port by name needs nothing after a named
// takeover: the name is the agent's then. (The playground stores policies; it does not enforce
// them, so what is checked is what the tool asks of the API.)
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept, runInterceptOk } from '../helpers/cli.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';
import { startHolder, stopHolder, waitActive, type Holder } from './harness.js';

let pg: TestPlayground;
let holder: Holder | undefined;

const POLICIES = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-users
spec:
  podSelector:
    matchExpressions:
    - {key: app, operator: In, values: [users]}
  ingress:
  - from:
    - podSelector: {}
    ports:
    - port: 9090
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-orders-by-name
spec:
  podSelector:
    matchLabels: {app: orders}
  ingress:
  - from:
    - namespaceSelector: {}
    ports:
    - port: http
`;

async function json(args: string[]) {
  return JSON.parse(await pg.kubectlOk([...args, '-o', 'json']));
}

/** What the tool may change on a policy and must give back. */
async function policyState(name: string) {
  const np = await json(['get', 'networkpolicy', name]);
  return { spec: np.spec, annotations: np.metadata.annotations };
}

async function versions(): Promise<string> {
  return pg.kubectlOk(['get', 'deploy/users', 'svc/users', 'netpol/default-deny', 'netpol/allow-users', 'netpol/allow-orders-by-name', '-o', 'jsonpath={range .items[*]}{.metadata.resourceVersion} {end}']);
}

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  await pg.kubectlOk(['apply', '-f', '-'], { input: POLICIES });
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await pg?.stop();
});

describe('NetworkPolicies that select the pods', () => {
  it('refuses a start whose agent port a policy would block, naming it, and changes nothing', async () => {
    const before = await versions();
    const r = await runIntercept(['users', '--port', '9000:8080', '--kubeconfig', pg.kubeconfigPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: NetworkPolicy allow-users (ingress rule 1) lets callers reach port 9090 of deployment/users but not port 15080, where the agent would take their traffic: every request would be dropped; nothing was changed\n'
      + '  run again with --update-network-policies to add TCP port 15080 to that rule until the intercept ends (needs patch on networkpolicies), or add it to the policy yourself\n',
    );
    expect(await versions()).toBe(before);
    expect(await pg.kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name'])).not.toMatch(/intercept/);
  }, 60_000);

  it('with --update-network-policies adds the agent port to that rule and gives the policy back exactly on leave', async () => {
    const before = await policyState('allow-users');
    const untouched = await policyState('default-deny');
    holder = startHolder(['users', '--port', '9000:8080', '--update-network-policies', '--name', 'np1', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'np1', 90_000);
    expect(holder.stderr()).toContain('added TCP port 15080 to NetworkPolicy allow-users until the intercept ends');
    const during = await policyState('allow-users');
    expect(during.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9090 }, { protocol: 'TCP', port: 15080 }]);
    expect(JSON.parse(during.annotations['kubectl-intercept.io/network-policy-takeover'])).toEqual([{ rule: 0, port: { protocol: 'TCP', port: 15080 }, workloads: ['Deployment/users'] }]);
    expect(await policyState('default-deny')).toEqual(untouched);
    expect(await stopHolder(holder)).toBe(0);
    expect(holder.stderr()).toContain("took the agent's port back out of NetworkPolicy allow-users");
    expect(await policyState('allow-users')).toEqual(before);
  }, 150_000);

  it('a crashed holder\'s intercept: `leave` from elsewhere restores the policy', async () => {
    const before = await policyState('allow-users');
    holder = startHolder(['users', '--port', '9000:8080', '--update-network-policies', '--name', 'np2', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'np2', 90_000);
    expect((await policyState('allow-users')).spec.ingress[0].ports).toHaveLength(2);
    await stopHolder(holder, 'SIGKILL');
    await runInterceptOk(['leave', 'np2', '--kubeconfig', pg.kubeconfigPath], { timeoutMs: 90_000 });
    expect(await policyState('allow-users')).toEqual(before);
  }, 150_000);

  it('a policy that allows the port by name needs no change after a named takeover (the name moves to the agent)', async () => {
    const before = await policyState('allow-orders-by-name');
    holder = startHolder(['orders', '--port', '9000:http', '--http-header', 'x-dev=np', '--name', 'np3', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'np3', 90_000);
    const ports = (await json(['get', 'deploy', 'orders'])).spec.template.spec.containers.map((c: { name: string; ports?: { name?: string; containerPort: number }[] }) => [c.name, c.ports]);
    expect(ports).toContainEqual(['intercept-agent', [{ name: 'http', containerPort: 15080, protocol: 'TCP' }]]);
    expect(await policyState('allow-orders-by-name')).toEqual(before);
    expect(await stopHolder(holder)).toBe(0);
  }, 150_000);
});
