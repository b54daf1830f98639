// The agent's resources against LimitRanges, as the LimitRanger admission plugin would judge the
// new pods (defaults first, then each Container and the Pod as a whole), and the CPU limit a
// ResourceQuota on limits.cpu demands. Pure, on hand-written objects.
import { describe, expect, it } from '@jest/globals';
import type { V1LimitRange, V1PodSpec } from '@kubernetes/client-node';
import { judgeLimitRanges } from '../../plugin/engine/agent-limits.js';
import { agentResources } from '../../plugin/engine/agent-resources.js';

const range = (name: string, limits: NonNullable<V1LimitRange['spec']>['limits']): V1LimitRange => ({ metadata: { name }, spec: { limits } });
const app = (memoryLimit?: string): V1PodSpec => ({
  containers: [{ name: 'app', image: 'node:22', ...(memoryLimit ? { resources: { limits: { memory: memoryLimit }, requests: { memory: memoryLimit } } } : {}) }],
});

function refusal(ranges: V1LimitRange[], spec: V1PodSpec, agent = agentResources()): string | undefined {
  try {
    judgeLimitRanges(ranges, spec, agent, 'shop');
    return undefined;
  } catch (err) {
    return `${(err as Error).message} | ${(err as { hint?: string }).hint}`;
  }
}

describe('judgeLimitRanges', () => {
  it('refuses a memory limit above a Container maximum, with the --agent-memory that fits', () => {
    expect(refusal([range('tight', [{ type: 'Container', max: { memory: '100Mi' }, _default: { memory: '100Mi' } }])], app()))
      .toBe('the agent\'s memory limit 128Mi is above LimitRange "tight" maximum 100Mi per Container in namespace shop | pass --agent-memory 96Mi (or ask for the LimitRange to allow it); nothing was changed');
  });

  it('lets the defaults of a LimitRange fill in what the agent leaves out (its CPU limit)', () => {
    expect(refusal([range('cpu', [{ type: 'Container', max: { cpu: '500m' }, _default: { cpu: '500m' }, defaultRequest: { cpu: '500m' } }])], app())).toBeUndefined();
  });

  it('refuses a CPU request below a minimum, with the --agent-cpu that fits', () => {
    expect(refusal([range('floor', [{ type: 'Container', min: { cpu: '50m' } }])], app()))
      .toBe('the agent\'s CPU request 25m is below LimitRange "floor" minimum 50m per Container in namespace shop | pass --agent-cpu 50m (or ask for the LimitRange to allow it); nothing was changed');
  });

  it('refuses a limit to request ratio above the maximum', () => {
    expect(refusal([range('ratio', [{ type: 'Container', maxLimitRequestRatio: { memory: '1500m' } }])], app()))
      .toBe('the agent\'s memory limit 128Mi is 2 times its request 64Mi, above LimitRange "ratio" maximum ratio 1500m per Container in namespace shop | pass --agent-memory 96Mi (or ask for the LimitRange to allow it); nothing was changed');
  });

  it('counts the app containers in a Pod maximum', () => {
    const pod = [range('per-pod', [{ type: 'Pod', max: { memory: '256Mi' } }])];
    expect(refusal(pod, app('64Mi'))).toBeUndefined();
    expect(refusal(pod, app('192Mi')))
      .toBe('the pod\'s memory limit with the agent, 320Mi (the app containers\' 192Mi and the agent\'s 128Mi), is above LimitRange "per-pod" maximum 256Mi per Pod in namespace shop | pass --agent-memory 64Mi (or ask for the LimitRange to allow it); nothing was changed');
    // No room left for the agent at all: no flag helps.
    expect(refusal(pod, app('240Mi'))).toMatch(/is above LimitRange "per-pod" maximum 256Mi per Pod in namespace shop \| ask for the LimitRange to allow it; nothing was changed$/);
  });

  it('says nothing about a LimitRange the agent keeps to', () => {
    // As the API server stores it: the default limit is the max, the default request the default.
    const roomy = { type: 'Container', max: { memory: '1Gi', cpu: '2' }, min: { memory: '16Mi' }, _default: { memory: '1Gi', cpu: '2' }, defaultRequest: { memory: '1Gi', cpu: '2' } };
    expect(refusal([range('roomy', [roomy, { type: 'Pod', max: { memory: '2Gi' } }])], app('64Mi'))).toBeUndefined();
  });
});
