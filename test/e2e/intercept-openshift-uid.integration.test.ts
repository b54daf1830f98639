// A namespace that assigns pods their UIDs (OpenShift's openshift.io/sa.scc.uid-range annotation;
// its restricted-v2 SCC refuses a runAsUser outside the range): the agent names no runAsUser and
// stays runAsNonRoot. The playground has no SCCs; the test shows what the tool asks for.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';
import { startHolder, stopHolder, waitActive, type Holder } from './harness.js';

let pg: TestPlayground;
let holder: Holder | undefined;

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  await pg.kubectlOk(['annotate', 'namespace', 'default', 'openshift.io/sa.scc.uid-range=1000680000/10000']);
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await pg?.stop();
});

describe('a namespace that assigns UIDs', () => {
  it('gets an agent without runAsUser, still non-root', async () => {
    holder = startHolder(['users', '--port', '9000:8080', '--http-header', 'x-dev=os', '--name', 'os', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'os');
    const spec = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'users', '-o', 'json'])).spec.template.spec;
    const agent = spec.containers.find((c: { name: string }) => c.name === 'intercept-agent');
    expect(agent.securityContext.runAsNonRoot).toBe(true);
    expect(agent.securityContext.runAsUser).toBeUndefined();
    expect(await stopHolder(holder)).toBe(0);
  }, 120_000);
});
