import { describe, expect, it } from '@jest/globals';
import type { V1ContainerState, V1Pod } from '@kubernetes/client-node';
import { PodIPAllocator } from '../../../plugin/playground/kubelet/ipam.js';
import { buildPodStatus, podPhase, qosClass, type ContainerView } from '../../../plugin/playground/kubelet/pod-status.js';
import { Backoff, goDuration } from '../../../plugin/playground/kubelet/backoff.js';

const running: V1ContainerState = { running: { startedAt: new Date() } };
const waiting: V1ContainerState = { waiting: { reason: 'ContainerCreating' } };
const exited = (exitCode: number): V1ContainerState => ({ terminated: { exitCode } });

function view(name: string, state: V1ContainerState, lastState: V1ContainerState = {}, ready = false): ContainerView {
  return { spec: { name }, state, lastState, ready, started: !!state.running, restartCount: 0, image: 'docker.io/library/node:22', imageID: '' };
}
const pod = (restartPolicy: string): V1Pod => ({ metadata: { name: 'p' }, spec: { restartPolicy, containers: [] } });

describe('pod phase (getPhase)', () => {
  it.each([
    ['Always', [waiting], false, 'Pending'],
    ['Always', [running, waiting], false, 'Pending'],
    ['Always', [running, running], false, 'Running'],
    ['Always', [exited(1)], false, 'Running'],
    ['OnFailure', [exited(0)], false, 'Succeeded'],
    ['OnFailure', [exited(1)], false, 'Running'],
    ['Never', [exited(0), exited(2)], false, 'Failed'],
    ['Never', [exited(0), exited(0)], false, 'Succeeded'],
    ['Always', [exited(143)], true, 'Failed'],
    ['Always', [exited(0)], true, 'Succeeded'],
  ])('%s with %j (terminal %s) is %s', (policy, states, terminal, phase) => {
    expect(podPhase(pod(policy), states.map((s, i) => view(`c${i}`, s)), terminal)).toBe(phase);
  });

  it('is Pending while init containers are incomplete, Failed when one fails under Never', () => {
    const app = [view('app', waiting)];
    expect(podPhase(pod('Always'), app, false, [view('init', exited(0)), view('next', running)])).toBe('Pending');
    expect(podPhase(pod('Always'), [view('app', running)], false, [view('init', exited(0)), { ...view('sidecar', running), sidecar: true, started: true }])).toBe('Running');
    expect(podPhase(pod('Never'), app, false, [view('init', exited(1))])).toBe('Failed');
    expect(podPhase(pod('OnFailure'), app, false, [view('init', { waiting: { reason: 'CrashLoopBackOff' } }, exited(1))])).toBe('Pending');
  });

  it('counts a container waiting to restart after a crash as stopped, not pending', () => {
    expect(podPhase(pod('Always'), [view('a', { waiting: { reason: 'CrashLoopBackOff' } }, exited(1))], false)).toBe('Running');
  });
});

describe('pod conditions', () => {
  it('names the unready containers and keeps transition times of unchanged conditions', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const base = { pod: { ...pod('Always'), spec: { containers: [] } }, hostIP: '127.0.0.1', podIP: '127.3.0.2', startTime: t0, sandboxReady: true, terminal: false };
    const first = buildPodStatus({ ...base, containers: [view('app', running, {}, true), view('agent', running)] }, t0);
    expect((first.conditions as Array<Record<string, unknown>>).find((c) => c.type === 'Ready')).toEqual({
      type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [agent]',
      lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z',
    });
    const podWithConditions = { ...base.pod, status: { conditions: first.conditions } } as unknown as V1Pod;
    const later = buildPodStatus({ ...base, pod: podWithConditions, containers: [view('app', running, {}, true), view('agent', running, {}, true)] }, new Date('2026-01-01T00:01:00Z'));
    const conditions = later.conditions as Array<Record<string, unknown>>;
    expect(conditions.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T00:01:00Z' });
    expect(conditions.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' });
  });

  it.each([
    [{}, 'BestEffort'],
    [{ requests: { cpu: '100m' } }, 'Burstable'],
    [{ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } }, 'Burstable'],
  ])('resources %j give QoS %s', (resources, qos) => {
    expect(qosClass({ spec: { containers: [{ name: 'a', resources }] } })).toBe(qos);
  });
});

describe('pod IPs', () => {
  it('hands out the next free address, never one still held, and reuses released ones later', () => {
    const ipam = new PodIPAllocator('127.9.0.0/29');
    expect(['a', 'b', 'c', 'd', 'e'].map((o) => ipam.allocate(o))).toEqual(['127.9.0.2', '127.9.0.3', '127.9.0.4', '127.9.0.5', '127.9.0.6']);
    expect(ipam.allocate('a')).toBe('127.9.0.2');
    expect(() => ipam.allocate('f')).toThrow('no free pod IP left');
    ipam.release('c');
    expect(ipam.allocate('f')).toBe('127.9.0.4');
  });
});

describe('back-off', () => {
  it('starts at 10s, doubles and caps at 5m, printed like Go durations', () => {
    const b = new Backoff();
    const periods: string[] = [];
    for (let i = 0; i < 7; i++) {
      b.next(1000 * i);
      periods.push(goDuration(b.period()));
    }
    expect(periods).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s']);
    expect(b.remaining(10_000, 12_000)).toBe(298_000);
  });
});
