// The pod is stopping (SIGTERM, which the kubelet sends the agent and the app at once): from then
// on each agent port mirrors the app's port it fronts. It keeps accepting while the app's port
// accepts and stops listening as soon as the app's refuses, so a caller is refused when the app
// alone would have refused it, and a balancer that retries refused connects does so here too.
// A port that laptops intercept keeps listening up to LINGER_MS more: its matching callers are
// served by the laptops, not the app (the others are reset).
// The agent exits once every port is closed and its connections have ended.
import net from 'node:net';
import { log } from './log.js';

interface Gate {
  server: net.Server;
  appHost: string;
  appPort: number;
  intercepted: () => boolean;
  open: boolean;
  drained: boolean;
  appGoneAt?: number;
  recheck?: NodeJS.Timeout;
}

const gates = new Map<number, Gate>();
let stopping = false;

/** How often the app's port is tried while the pod stops and no caller has found it closed. */
const PROBE_MS = 100;
/** Connections still open (a laptop's answer, a raw pipe) get this long once every port has closed. */
const LINGER_MS = 2000;

/** An agent port to close when its app's port closes. */
export function gatePort(agentPort: number, server: net.Server, appHost: string, appPort: number, intercepted: () => boolean): void {
  gates.set(agentPort, { server, appHost, appPort, intercepted, open: true, drained: false });
}

export function isStopping(): boolean {
  return stopping;
}

/**
 * Notes `err`, from connecting to the app behind `agentPort`: the app refusing while the pod stops
 * closes that agent port, as the app's has. True when no laptop could serve the caller instead.
 */
export function refusedWhileStopping(agentPort: number, err: NodeJS.ErrnoException): boolean {
  if (!stopping || err.code !== 'ECONNREFUSED') return false;
  const gate = gates.get(agentPort);
  if (!gate) return true;
  gate.appGoneAt ??= Date.now();
  closeWhenFree(agentPort, gate);
  return !gate.intercepted();
}

function closeWhenFree(agentPort: number, gate: Gate): void {
  if (!gate.open || gate.recheck) return;
  if (!gate.intercepted() || Date.now() - gate.appGoneAt! >= LINGER_MS) return close(agentPort, gate);
  gate.recheck = setTimeout(() => { gate.recheck = undefined; closeWhenFree(agentPort, gate); }, PROBE_MS);
}

/** Starts mirroring the app's ports; `exit` is called once the agent has nothing left to serve. */
export function startStopping(exit: () => void): void {
  if (stopping) return;
  stopping = true;
  let exited = false;
  exitAgent = () => { if (!exited) { exited = true; exit(); } };
  for (const [agentPort, gate] of gates) probe(agentPort, gate);
  settle();
}

/** Tries the app's port until it refuses (or the agent port has closed by a caller's refusal). */
function probe(agentPort: number, gate: Gate): void {
  if (!gate.open) return;
  const socket = net.connect({ host: gate.appHost, port: gate.appPort });
  socket.once('connect', () => {
    socket.destroy();
    setTimeout(() => probe(agentPort, gate), PROBE_MS).unref();
  });
  socket.once('error', (err: NodeJS.ErrnoException) => {
    if (refusedWhileStopping(agentPort, err)) return;
    setTimeout(() => probe(agentPort, gate), PROBE_MS).unref();
  });
}

function close(agentPort: number, gate: Gate): void {
  if (!gate.open) return;
  gate.open = false;
  log('port-closed', { agentPort, app: `${gate.appHost}:${gate.appPort}`, reason: 'the app stopped accepting connections' });
  // The callback runs once the connections this port took have ended too.
  gate.server.close(() => { gate.drained = true; settle(); });
  settle();
}

let exitAgent: (() => void) | undefined;
let lingering = false;

/** Exits when every port is closed and drained, or LINGER_MS after the last one closed. */
function settle(): void {
  if (!exitAgent || [...gates.values()].some((g) => g.open)) return;
  if ([...gates.values()].every((g) => g.drained)) return exitAgent();
  if (lingering) return;
  lingering = true;
  setTimeout(exitAgent, LINGER_MS).unref();
}
