import { describe, expect, it } from '@jest/globals';
import { filterWorkloads, matchFromForm, matchSummary, planLines, portLabel, portsProblem, workloadCells } from '../../../ui/render/setup.js';
import { WORKLOADS } from '../fixtures/workloads.js';

describe('picker rows', () => {
  it('shows kind, ready replicas, Service ports and the agent state or why not', () => {
    expect(workloadCells(WORKLOADS[0])).toEqual({ name: 'deploy/orders', ready: '2/2', ports: 'orders:80', state: '' });
    expect(workloadCells(WORKLOADS[1])).toMatchObject({ ports: 'users:80,users:9090', state: 'agent installed' });
    expect(workloadCells(WORKLOADS[2])).toEqual({ name: 'sts/db', ready: '0/1', ports: '-', state: 'no Service selects its pods' });
    expect(workloadCells(WORKLOADS[2], true).name).toBe('demo/sts/db');
  });

  it.each([
    ['', 4],
    ['ord', 1],
    ['sts/', 1],
    ['deploy', 3],
    ['zzz', 0],
    ['demo/', 4],
  ])('filter %p keeps %p', (text, n) => {
    expect(filterWorkloads(WORKLOADS, text)).toHaveLength(n);
  });

  it('labels Service ports with the container port they reach', () => {
    expect(portLabel(WORKLOADS[0].ports[0])).toBe('orders:80 (http) → orders:8080');
    expect(portLabel({ service: 's', port: 1, targetPort: 'web', protocol: 'TCP' })).toBe('s:1 → web (no container has it)');
  });
});

describe('matchFromForm', () => {
  it.each([
    [{ headers: '', path: '', pathKind: 'prefix' }, {}, undefined],
    [{ headers: 'x-dev=alice', path: '', pathKind: 'prefix' }, { headers: [{ name: 'x-dev', value: 'alice' }] }, undefined],
    [{ headers: 'x-dev=~^al, x-team=a', path: '/api', pathKind: 'prefix' }, { headers: [{ name: 'x-dev', value: '^al', regex: true }, { name: 'x-team', value: 'a' }], path: { kind: 'prefix', value: '/api' } }, undefined],
    [{ headers: '', path: '/v1/(orders', pathKind: 'regex' }, undefined, /invalid regular expression for the path/],
    [{ headers: 'x-dev=~[a-', path: '', pathKind: 'prefix' }, undefined, /invalid regular expression for header x-dev/],
    [{ headers: 'x-dev', path: '', pathKind: 'prefix' }, undefined, /not NAME=VALUE/],
    [{ headers: 'bad header=1', path: '', pathKind: 'prefix' }, undefined, /invalid header name/],
    [{ headers: '', path: 'api', pathKind: 'equal' }, undefined, /must start with \//],
  ] as const)('%p', (form, match, error) => {
    const r = matchFromForm(form);
    if (match) expect(r.match).toEqual(match);
    if (error) expect(r.error).toMatch(error);
    else expect(r.error).toBeUndefined();
  });

  it('warns about an empty header value as the flags do', () => {
    expect(matchFromForm({ headers: 'x-dev=', path: '', pathKind: 'prefix' }).warning).toMatch(/^the header match x-dev= has an empty value/);
    expect(matchFromForm({ headers: 'x-dev=a', path: '', pathKind: 'prefix' }).warning).toBeUndefined();
  });

  it('summarises global and filtered matches', () => {
    expect(matchSummary({})).toMatch(/every request/);
    expect(matchSummary({ headers: [{ name: 'x-dev', value: 'alice' }] })).toBe('requests with x-dev=alice; everything else keeps going to the pods');
  });
});

describe('planLines', () => {
  it('names every change the engine will make', () => {
    const named = planLines({ workload: WORKLOADS[0], ports: [{ port: WORKLOADS[0].ports[0], localPort: 8080 }], match: {}, envFile: 'orders.env' });
    expect(named[0]).toBe('add the traffic agent container to deploy/orders: its 2 pod(s) roll over');
    expect(named[1]).toMatch(/keeps targetPort "http"/);
    expect(named[3]).toMatch(/every request .* → 127\.0\.0\.1:8080$/);
    expect(named[4]).toBe("the container's environment is written to orders.env");
    const numeric = planLines({ workload: WORKLOADS[1], ports: [{ port: WORKLOADS[1].ports[0], localPort: 3000 }], match: { path: { kind: 'prefix', value: '/api' } } });
    expect(numeric[0]).toMatch(/already has the agent: no restart/);
    expect(numeric[1]).toMatch(/targetPort 3000 is pointed at the agent after the rollout/);
    expect(numeric).toHaveLength(4);
  });

  it('names each of several ports, where each goes, and what a match leaves to the app', () => {
    const [web, metrics] = WORKLOADS[1].ports;
    const lines = planLines({ workload: WORKLOADS[1], ports: [{ port: web, localPort: 3000 }, { port: metrics, localPort: 19090 }], match: { headers: [{ name: 'x-dev', value: 'me' }] } });
    expect(lines.slice(1, 3)).toEqual([
      'Service users port 80: targetPort 3000 is pointed at the agent after the rollout',
      'Service users port 9090: targetPort 9090 is pointed at the agent after the rollout',
    ]);
    expect(lines[4]).toBe('requests with x-dev=me; everything else keeps going to the pods; port 80 → 127.0.0.1:3000, 9090 → 127.0.0.1:19090');
    expect(lines[5]).toMatch(/^the match applies to HTTP: raw TCP/);
    expect(portsProblem([{ port: web, localPort: 3000 }, { port: metrics, localPort: 3000 }])).toBe('two ports go to local port 3000: give each its own');
  });
});
