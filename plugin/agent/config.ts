// The agent's configuration, read from its environment only (the CLI writes it into the pod spec;
// the credential comes from a Secret through secretKeyRef). Variable names are in docs/dataplane.md.
import { networkInterfaces } from 'node:os';

export interface PortMapping {
  /** The port the agent listens on (the one the Service now targets). */
  agentPort: number;
  /** The app container's port that the agent fronts. */
  appPort: number;
}

export interface AgentConfig {
  ports: PortMapping[];
  /** Where the app listens: the pod IP by default, so apps bound only to it work. */
  appHost: string;
  /** Address the agent ports bind to. */
  listenHost: string;
  controlHost: string;
  controlPort: number;
  /** Empty when unset: then every client is refused (traffic still passes through). */
  token: string;
  envPrefix: string;
  logRequests: boolean;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  sniffTimeoutMs: number;
  /** An outbound dial for the laptop that has not connected by then fails (ETIMEDOUT). */
  dialTimeoutMs: number;
  /** A file listing, one per line, the intercepts live when the pod was made (unset: none). */
  expectedFile: string;
  /** How long the ports wait for those intercepts to register before they listen anyway. */
  expectedWaitMs: number;
}

/** Variables the agent reads for itself; never reported as the app's environment. */
export const CONFIG_VARS = [
  'INTERCEPT_PORTS', 'INTERCEPT_APP_HOST', 'INTERCEPT_POD_IP', 'INTERCEPT_LISTEN_HOST',
  'INTERCEPT_CONTROL_HOST', 'INTERCEPT_CONTROL_PORT', 'INTERCEPT_TOKEN', 'INTERCEPT_ENV_PREFIX',
  'INTERCEPT_LOG_REQUESTS', 'INTERCEPT_PING_INTERVAL_MS', 'INTERCEPT_PING_TIMEOUT_MS',
  'INTERCEPT_SNIFF_TIMEOUT_MS', 'INTERCEPT_DIAL_TIMEOUT_MS', 'INTERCEPT_EXPECTED_FILE', 'INTERCEPT_EXPECTED_WAIT_MS',
];

export function loadConfig(env: NodeJS.ProcessEnv): AgentConfig {
  return {
    ports: parsePorts(env.INTERCEPT_PORTS ?? ''),
    appHost: env.INTERCEPT_APP_HOST || env.INTERCEPT_POD_IP || firstPodAddress() || '127.0.0.1',
    listenHost: env.INTERCEPT_LISTEN_HOST || '::',
    controlHost: env.INTERCEPT_CONTROL_HOST || '127.0.0.1',
    controlPort: parsePort(env.INTERCEPT_CONTROL_PORT ?? '8022', 'INTERCEPT_CONTROL_PORT', true),
    token: env.INTERCEPT_TOKEN ?? '',
    envPrefix: env.INTERCEPT_ENV_PREFIX || 'INTERCEPT_ENV_',
    logRequests: env.INTERCEPT_LOG_REQUESTS === '1' || env.INTERCEPT_LOG_REQUESTS === 'true',
    pingIntervalMs: positiveInt(env.INTERCEPT_PING_INTERVAL_MS, 1000),
    pingTimeoutMs: positiveInt(env.INTERCEPT_PING_TIMEOUT_MS, 3000),
    sniffTimeoutMs: positiveInt(env.INTERCEPT_SNIFF_TIMEOUT_MS, 500),
    dialTimeoutMs: positiveInt(env.INTERCEPT_DIAL_TIMEOUT_MS, 10_000),
    expectedFile: env.INTERCEPT_EXPECTED_FILE ?? '',
    expectedWaitMs: positiveInt(env.INTERCEPT_EXPECTED_WAIT_MS, 3000),
  };
}

/** `8080:3000,9090:50051` = agent port 8080 fronts app port 3000, and so on. */
export function parsePorts(spec: string): PortMapping[] {
  const out: PortMapping[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [a, b, extra] = part.split(':');
    if (b === undefined || extra !== undefined) {
      throw new Error(`INTERCEPT_PORTS entry ${JSON.stringify(part)} is not AGENT_PORT:APP_PORT (e.g. 8080:3000)`);
    }
    out.push({ agentPort: parsePort(a, 'INTERCEPT_PORTS'), appPort: parsePort(b, 'INTERCEPT_PORTS') });
  }
  if (out.length === 0) throw new Error('INTERCEPT_PORTS is empty: set it to AGENT_PORT:APP_PORT[,...] (e.g. 8080:3000)');
  return out;
}

function parsePort(text: string, name: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535) {
    throw new Error(`${name}: ${JSON.stringify(text)} is not a port number (1-65535)`);
  }
  return n;
}

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text && Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The pod's own address when no variable names it: the first non-internal IPv4, as a pod has one. */
function firstPodAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** The app container's environment: prefixed copies, prefix stripped, config vars excluded. */
export function appEnvironment(env: NodeJS.ProcessEnv, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || !k.startsWith(prefix) || CONFIG_VARS.includes(k)) continue;
    const name = k.slice(prefix.length);
    if (name !== '') out[name] = v;
  }
  return out;
}
