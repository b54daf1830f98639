// How the pods/portforward upgrade is authorized, as in Kubernetes 1.32: the WebSocket form (a
// GET, client-node's and kubectl's first try) needs `get` on pods/portforward, the SPDY form (a
// POST) needs `create`; authorization comes before the pod is looked up. With 1.35's
// AuthorizePodWebsocketUpgradeCreatePermission turned on, the WebSocket form needs `create` too.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApiServer } from './harness.js';
import type { TestApiServer } from './harness.js';
import { createRestrictedUser, type PolicyRule, type RestrictedUser } from '../restricted-user.js';

const path = '/api/v1/namespaces/default/pods/web/portforward';
const websocket = {
  Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v4.channel.k8s.io',
};
const spdy = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' };

async function userWith(t: TestApiServer, name: string, rules: PolicyRule[]): Promise<RestrictedUser> {
  return createRestrictedUser((args, input) => t.kubectl(args, input), t.kubeconfigPath, { name, rules });
}

async function attempt(t: TestApiServer, u: RestrictedUser, method: 'GET' | 'POST', headers: Record<string, string>): Promise<{ status: number; message: string }> {
  const res = await t.request(method, `${path}?ports=8080`, { headers: { ...headers, Authorization: `Bearer ${u.token}` } });
  return { status: res.status, message: JSON.parse(res.text).message };
}

const refused = (user: string, verb: string) =>
  `pods "web" is forbidden: User "system:serviceaccount:default:${user}" cannot ${verb} resource "pods/portforward" in API group "" in the namespace "default"`;

describe('as Kubernetes 1.32 does it', () => {
  let t: TestApiServer;
  beforeAll(async () => {
    t = await startTestApiServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('refuses both forms without any pods/portforward permission', async () => {
    const u = await userWith(t, 'none', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    expect(await attempt(t, u, 'GET', websocket)).toEqual({ status: 403, message: refused('none', 'get') });
    expect(await attempt(t, u, 'POST', spdy)).toEqual({ status: 403, message: refused('none', 'create') });
  });

  it('lets `create` through the SPDY form only, and `get` through the WebSocket form only', async () => {
    const creator = await userWith(t, 'creator', [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] }]);
    expect(await attempt(t, creator, 'GET', websocket)).toEqual({ status: 403, message: refused('creator', 'get') });
    // Past authorization, the missing pod answers.
    expect(await attempt(t, creator, 'POST', spdy)).toEqual({ status: 404, message: 'pods "web" not found' });
    const getter = await userWith(t, 'getter', [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['get'] }]);
    expect(await attempt(t, getter, 'GET', websocket)).toEqual({ status: 404, message: 'pods "web" not found' });
    expect(await attempt(t, getter, 'POST', spdy)).toEqual({ status: 403, message: refused('getter', 'create') });
  });

  it('matches `*/portforward` and `*`, but `pods/*` is no wildcard in RBAC', async () => {
    const any = await userWith(t, 'any', [{ apiGroups: [''], resources: ['*/portforward'], verbs: ['create'] }]);
    expect((await attempt(t, any, 'POST', spdy)).status).toBe(404);
    const star = await userWith(t, 'star', [{ apiGroups: ['*'], resources: ['*'], verbs: ['create'] }]);
    expect((await attempt(t, star, 'POST', spdy)).status).toBe(404);
    const sub = await userWith(t, 'sub', [{ apiGroups: [''], resources: ['pods/*'], verbs: ['create'] }]);
    expect(await attempt(t, sub, 'POST', spdy)).toEqual({ status: 403, message: refused('sub', 'create') });
  });
});

describe('with AuthorizePodWebsocketUpgradeCreatePermission (Kubernetes 1.35)', () => {
  let t: TestApiServer;
  beforeAll(async () => {
    t = await startTestApiServer({ authorizeWebsocketUpgradeCreate: true });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('the WebSocket form needs create as well as get', async () => {
    const getter = await userWith(t, 'getter', [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['get'] }]);
    expect(await attempt(t, getter, 'GET', websocket)).toEqual({ status: 403, message: refused('getter', 'create') });
    const both = await userWith(t, 'both', [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['get', 'create'] }]);
    expect((await attempt(t, both, 'GET', websocket)).status).toBe(404);
  });
});
