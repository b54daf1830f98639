// The agent container's resources from the flags: quantities as Kubernetes writes them, a request
// never above its limit, and a clear refusal of what a real API server would refuse.
import { describe, expect, it } from '@jest/globals';
import { agentNodeFlags, agentResources } from '../../plugin/engine/agent-resources.js';

describe('agent resources', () => {
  it('requests CPU and memory and limits memory only, by default', () => {
    expect(agentResources()).toEqual({ requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '128Mi' } });
  });
  it('takes overrides, and a limit below the usual request is the request too', () => {
    expect(agentResources({ cpu: '0.1', memory: '1Gi' })).toEqual({ requests: { cpu: '0.1', memory: '64Mi' }, limits: { memory: '1Gi' } });
    expect(agentResources({ memory: '50Mi' })).toEqual({ requests: { cpu: '25m', memory: '50Mi' }, limits: { memory: '50Mi' } });
  });
  it.each([['128MB'], ['-1Gi'], ['0'], ['lots']])('refuses memory %s', (memory) => {
    expect(() => agentResources({ memory })).toThrow(/invalid --agent-memory|below what the agent needs/);
  });
  it('refuses a limit the agent cannot live in', () => {
    expect(() => agentResources({ memory: '16Mi' })).toThrow(/below what the agent needs idle/);
  });
  it.each([['128Mi', 48], ['1Gi', 944], ['0.5Gi', 432], ['64Mi', 16], ['50Mi', 16]])('caps the heap below a %s limit at %d MiB', (memory, mib) => {
    expect(agentNodeFlags(agentResources({ memory }))).toEqual(['--max-semi-space-size=1', `--max-old-space-size=${mib}`]);
  });
});
