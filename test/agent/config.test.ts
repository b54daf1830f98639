// The agent's environment configuration and the environment report.
import { describe, expect, it } from '@jest/globals';
import { appEnvironment, loadConfig, parsePorts } from '../../plugin/agent/config.js';

describe('agent config', () => {
  it('parses port mappings', () => {
    expect(parsePorts('8080:3000, 9090:50051')).toEqual([{ agentPort: 8080, appPort: 3000 }, { agentPort: 9090, appPort: 50051 }]);
  });
  it.each([['', /INTERCEPT_PORTS is empty/], ['8080', /not AGENT_PORT:APP_PORT/], ['8080:0', /not a port number/], ['a:1', /not a port number/]])('refuses %j', (spec, reason) => {
    expect(() => parsePorts(spec)).toThrow(reason);
  });
  it('defaults the app host to the pod IP and the control port to loopback', () => {
    const c = loadConfig({ INTERCEPT_PORTS: '1:2', INTERCEPT_POD_IP: '10.1.2.3', INTERCEPT_TOKEN: 't' });
    expect(c).toMatchObject({ appHost: '10.1.2.3', controlHost: '127.0.0.1', controlPort: 8022, pingIntervalMs: 1000, pingTimeoutMs: 3000, logRequests: false });
  });
  it('reports prefixed variables without the prefix, never its own config', () => {
    expect(appEnvironment({ INTERCEPT_ENV_A: '1', INTERCEPT_ENV_: 'x', INTERCEPT_TOKEN: 'secret', B: '2' }, 'INTERCEPT_ENV_')).toEqual({ A: '1' });
    expect(appEnvironment({ INTERCEPT_TOKEN: 'secret', INTERCEPT_PORTS: '1:2' }, 'INTERCEPT_')).toEqual({});
  });
});
