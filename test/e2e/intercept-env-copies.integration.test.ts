// The app's environment as the intercept hands it over, for the cases the agent's copies get wrong
// when copied naively: a variable named PREFIX (the agent's own setting's name once prefixed), a
// $(VAR) reference to an envFrom variable, and a resourceFieldRef that names no container.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept } from '../helpers/cli.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';

let pg: TestPlayground;

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  await pg.kubectlOk(['patch', 'deploy', 'orders', '--type=json', '-p', JSON.stringify([
    { op: 'add', path: '/spec/template/spec/containers/0/resources', value: { limits: { memory: '256Mi' } } },
    { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'PREFIX', value: '/api' } },
    { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'WELCOME', value: '$(GREETING)!' } },
    { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'LATER', value: '$(NOWHERE)' } },
    { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'MEMORY', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } } },
  ])]);
  await pg.kubectlOk(['rollout', 'status', 'deploy/orders', '--timeout=60s'], { timeoutMs: 70_000 });
}, 90_000);

afterAll(async () => {
  await pg?.stop();
});

describe('environment copies', () => {
  it('hands over PREFIX, envFrom references and the app container\'s resources as the app sees them', async () => {
    const script = 'const e = process.env; process.stdout.write(JSON.stringify({ PREFIX: e.PREFIX, WELCOME: e.WELCOME, LATER: e.LATER, MEMORY: e.MEMORY }) + "\\n")';
    const r = await runIntercept(['orders', '--port', '9000:http', '--http-header', 'x-dev=env', '--kubeconfig', pg.kubeconfigPath, '--', 'node', '-e', script], { timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ PREFIX: '/api', WELCOME: 'hello from orders!', LATER: '$(NOWHERE)', MEMORY: '256' });
  }, 120_000);
});
