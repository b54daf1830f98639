// The agent's JavaScript, as the CLI ships it in a ConfigMap (DESIGN.md decision 2): embedded in the
// bundle by scripts/build.mjs, read from dist/agent.js when running from source (tests).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { internalError } from './internal-error.js';

declare const __AGENT_BUNDLE__: string | undefined;

let cached: string | undefined;

export function agentCode(): string {
  if (cached !== undefined) return cached;
  if (typeof __AGENT_BUNDLE__ === 'string' && __AGENT_BUNDLE__ !== '') return (cached = __AGENT_BUNDLE__);
  try {
    return (cached = readFileSync(join(process.cwd(), 'dist', 'agent.js'), 'utf8'));
  } catch {
    throw internalError('the agent bundle is missing: run `npm run build` first');
  }
}

/** The ConfigMap name for this agent code: content-hashed, so CLI versions never overwrite each other. */
export function agentConfigMapName(code: string): string {
  return `intercept-agent-${createHash('sha256').update(code).digest('hex').slice(0, 10)}`;
}
