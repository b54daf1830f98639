// The traffic agent's entry point (bundled to dist/agent.js, CommonJS, Node standard library only):
// reads its config from the environment, fronts the app's ports, and serves clients on the
// control port. See docs/dataplane.md.
import type net from 'node:net';
import { appEnvironment, loadConfig, type AgentConfig } from './config.js';
import { startControlServer } from './control.js';
import { expectedIntercepts, waitForIntercepts } from './expected.js';
import { drainRelays } from './h2-relay.js';
import { drainHttp1 } from './http1-relay.js';
import { startPortListener } from './listener.js';
import { log } from './log.js';
import { Registry } from './registry.js';
import { startStopping } from './stopping.js';
import { newPortStats, portCounts } from './stats.js';

declare const __INTERCEPT_VERSION__: string | undefined;
const agentVersion = typeof __INTERCEPT_VERSION__ === 'string' ? __INTERCEPT_VERSION__ : 'dev';

async function startAgent(): Promise<void> {
  let config: AgentConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    log('config-error', { message: (err as Error).message });
    process.exit(2);
  }
  if (config.token === '') log('no-credential', { message: 'INTERCEPT_TOKEN is empty: every client will be refused; traffic passes through to the app' });
  const registry = new Registry(config.ports);
  const stats = config.ports.map(() => newPortStats());
  // The control port first: the intercepts this pod's ports wait for register through it.
  const control = await startControlServer({
    config, registry, agentVersion,
    env: appEnvironment(process.env, config.envPrefix),
    counts: () => config.ports.map((m, i) => portCounts(m, stats[i])),
  });
  const expected = expectedIntercepts(config.expectedFile);
  if (expected.length > 0) {
    const since = Date.now();
    log('waiting-for-intercepts', { intercepts: expected.join(', '), atMostMs: config.expectedWaitMs, control: addressText(control) });
    const missing = await waitForIntercepts(registry, expected, config.expectedWaitMs);
    log(missing.length ? 'intercepts-missing' : 'intercepts-registered', { waitedMs: Date.now() - since, ...(missing.length ? { missing: missing.join(', ') } : {}) });
  }
  await Promise.all(config.ports.map((m, i) => startPortListener(m, config, registry, stats[i])));
  // The agent sits in front of the app: one bad connection must not take every caller down with it.
  process.on('uncaughtException', (err: Error) => log('internal-error', { message: err.message, stack: err.stack }));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      log('stopping', { signal });
      // Callers' connections end at their next quiet moment, so they reconnect to a pod that stays
      // instead of losing a request when this one is gone; the ports close when the app's do.
      drainHttp1();
      drainRelays();
      startStopping(() => process.exit(0));
    });
  }
  // Said last: whoever waits for it may stop the agent at once.
  log('ready', { version: agentVersion, control: addressText(control) });
}

function addressText(server: net.Server): string {
  const address = server.address();
  return typeof address === 'object' && address ? `${address.address}:${address.port}` : String(address);
}

startAgent().catch((err: Error) => {
  log('fatal', { message: err.message });
  process.exit(1);
});
