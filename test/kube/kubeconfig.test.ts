import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadKubeAccess, parseRequestTimeout } from '../../plugin/kube/kubeconfig.js';
import { InterceptError } from '../../plugin/errors.js';

function writeConfig(dir: string, name: string, body: object): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return file;
}

const cluster = (name: string, server: string) => ({ name, cluster: { server, 'insecure-skip-tls-verify': true } });
const context = (name: string, clusterName: string, user: string, namespace?: string) => ({
  name,
  context: { cluster: clusterName, user, ...(namespace ? { namespace } : {}) },
});

describe('kubeconfig loading follows kubectl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  const a = writeConfig(dir, 'a.yaml', {
    clusters: [cluster('c1', 'https://first.example:6443')],
    users: [{ name: 'u1', user: { token: 't1' } }],
    contexts: [context('ctx1', 'c1', 'u1', 'team-a')],
    'current-context': 'ctx1',
  });
  const b = writeConfig(dir, 'b.yaml', {
    clusters: [cluster('c1', 'https://second.example:6443'), cluster('c2', 'https://c2.example')],
    users: [{ name: 'u2', user: { token: 't2' } }],
    contexts: [context('ctx2', 'c2', 'u2')],
    'current-context': 'ctx2',
  });

  it('merges KUBECONFIG with the first definition and the first current-context winning', () => {
    const env = { KUBECONFIG: [join(dir, 'missing.yaml'), a, b].join(delimiter) };
    const access = loadKubeAccess({}, env, dir);
    expect(access.contextName).toBe('ctx1');
    expect(access.server).toBe('https://first.example:6443');
    expect(access.namespace).toBe('team-a');
    const other = loadKubeAccess({ context: 'ctx2' }, env, dir);
    expect(other.server).toBe('https://c2.example');
    expect(other.namespace).toBe('default');
  });

  it('applies --cluster, --user, -n and --as over the context', () => {
    const env = { KUBECONFIG: [a, b].join(delimiter) };
    const access = loadKubeAccess({ cluster: 'c2', user: 'u2', namespace: 'x', as: 'bob' }, env, dir);
    expect(access.server).toBe('https://c2.example');
    expect(access.userName).toBe('u2');
    expect(access.namespace).toBe('x');
    expect(access.namespaceExplicit).toBe(true);
    expect(access.kc.getCurrentUser()?.impersonateUser).toBe('bob');
  });

  it.each([
    [{ kubeconfig: '/nonexistent/kc.yaml' }, {}, /kubeconfig "\/nonexistent\/kc.yaml" not found/],
    [{ context: 'nope' }, { KUBECONFIG: a }, /context "nope" does not exist/],
    [{}, { KUBECONFIG: join(dir, 'none.yaml') }, /no kubeconfig found/],
    [{ user: 'ghost' }, { KUBECONFIG: a }, /user "ghost" is not defined/],
  ])('refuses %j with a config error', (flags, env, message) => {
    let thrown: unknown;
    try {
      loadKubeAccess(flags, env, dir);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InterceptError);
    expect((thrown as InterceptError).category).toBe('config');
    expect((thrown as InterceptError).message).toMatch(message);
  });

  it('refuses a broken file naming it', () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'clusters: [unclosed');
    expect(() => loadKubeAccess({ kubeconfig: broken }, {}, dir)).toThrow(/error loading config file ".*broken.yaml"/);
  });

  it.each([
    ['0', 0],
    ['5', 5000],
    ['1m30s', 90_000],
    ['250ms', 250],
  ])('parses --request-timeout %s', (value, ms) => {
    expect(parseRequestTimeout(value)).toBe(ms);
  });

  it('rejects a malformed --request-timeout', () => {
    expect(() => parseRequestTimeout('soon')).toThrow(/invalid --request-timeout/);
  });
});
