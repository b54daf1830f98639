import { describe, expect, it } from '@jest/globals';
import type { V1Container } from '@kubernetes/client-node';
import { sharedAppPortNotes } from '../../plugin/engine/shared-app-port.js';
import type { ResolvedTarget } from '../../plugin/engine/resolve.js';
import type { ServicePortInfo } from '../../plugin/engine/workloads.js';

const local = { localHost: '127.0.0.1', localPort: 7000 };

function target(ports: ServicePortInfo[], taken: number[], containers: V1Container[] = [{ name: 'app', ports: [{ containerPort: 8080, name: 'http' }] }]): Pick<ResolvedTarget, 'info' | 'ports'> {
  return {
    info: { kind: 'Deployment', namespace: 'default', name: 'web', replicas: 1, readyReplicas: 1, ports, agentInstalled: false, template: { spec: { containers } } },
    ports: taken.map((i) => ({ ...ports[i], container: ports[i].container!, containerPort: ports[i].containerPort!, servicePort: { port: ports[i].port }, local })),
  };
}

const port = (service: string, p: number, targetPort: string | number, container = 'app'): ServicePortInfo => ({ service, port: p, targetPort, protocol: 'TCP', container, containerPort: 8080 });

describe('other ways to the app port an intercept takes', () => {
  it('a Service port naming the same port comes here too; one giving its number keeps going to the app', () => {
    const notes = sharedAppPortNotes(target([port('web', 80, 'http'), port('web', 8080, 'http'), port('other', 9999, 8080)], [0]), false);
    expect(notes).toEqual([
      'Service port web:8080 also targets port "http" of container app: its requests come here too (to 127.0.0.1:7000)',
      'Service port other:9999 also reaches app port 8080 (by number): its callers keep going to the app; to take it too: --service other --port LOCAL:9999 in an intercept of its own',
    ]);
  });

  it('a numeric takeover leaves a named Service port to the same container port with the app', () => {
    expect(sharedAppPortNotes(target([port('web', 80, 8080), port('web', 8080, 'http')], [0]), false)).toEqual([
      'Service port web:8080 also reaches app port 8080 (by the name "http"): its callers keep going to the app; to take it too: --service web --port LOCAL:8080 in an intercept of its own',
    ]);
  });

  it('says nothing of ports taken together, or of other container ports', () => {
    expect(sharedAppPortNotes(target([port('web', 80, 'http'), port('web', 8080, 'http')], [0, 1]), false)).toEqual([]);
    expect(sharedAppPortNotes(target([port('web', 80, 'http'), { ...port('web', 81, 8081), containerPort: 8081 }], [0]), false)).toEqual([]);
  });

  it('names the container whose environment is handed over when two declare the port, unless --container chose', () => {
    const both: V1Container[] = [{ name: 'main', ports: [{ containerPort: 8080 }] }, { name: 'side', ports: [{ containerPort: 8080 }] }];
    const t = target([port('web', 80, 8080, 'main')], [0], both);
    expect(sharedAppPortNotes(t, false)).toEqual(["containers main and side of deployment/web both declare port 8080; they share the pod's network, so only one listens there: the environment handed over is main's (--container side for side's)"]);
    expect(sharedAppPortNotes(t, true)).toEqual([]);
  });
});
