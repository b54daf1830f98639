// The intercepts a new pod's agent waits for before its ports listen. A pod someone else makes
// while intercepts are live (a rollout restart, a scale-up, a replaced pod) joins the Service's
// endpoints once its agent's port answers the readiness probe; if the port answered before the
// intercepts' tunnels reached this agent, their matching requests would go to the app meanwhile.
// The CLI lists the live intercepts in the agent's Secret, which the pod mounts as a file (a new
// pod reads the Secret as it is when its volume is set up): the agent holds its ports until each
// listed intercept has registered, or for a bounded time, so that a stale name costs a new pod
// that time and never its traffic.
import { readFileSync } from 'node:fs';
import type { Registry } from './registry.js';

/** The intercept names in `file`, one per line; none when there is no file (nothing to wait for). */
export function expectedIntercepts(file: string): string[] {
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return [...new Set(text.split('\n').map((line) => line.trim()).filter(Boolean))];
}

/** Resolves with the names still unregistered once all of `names` have registered or `timeoutMs` passed. */
export function waitForIntercepts(registry: Registry, names: string[], timeoutMs: number): Promise<string[]> {
  const missing = () => {
    const registered = registry.registeredIntercepts();
    return names.filter((n) => !registered.has(n));
  };
  if (missing().length === 0) return Promise.resolve([]);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop();
      resolve(missing());
    };
    const timer = setTimeout(done, timeoutMs);
    const stop = registry.onRegistered(() => {
      if (missing().length === 0) done();
    });
  });
}
