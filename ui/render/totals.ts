// The totals line under the traffic table and the words for the intercept's state.
import type { Health, Totals } from '../state/traffic.js';
import { durationText, type Colour } from './format.js';

export function countText(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1.2k req/s`, `85 req/s`, `0.4 req/s`. */
export function rateText(perSecond: number): string {
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k req/s`;
  if (perSecond >= 10) return `${Math.round(perSecond)} req/s`;
  return `${perSecond.toFixed(1)} req/s`;
}

export function totalsText(t: Totals, perSecond: number, inFlight: number, latency?: { p50?: number; p95?: number }): string {
  const parts = [`intercepted ${countText(t.intercepted)}`];
  if (t.passedToCluster !== undefined) parts.push(`passed to the cluster ${countText(t.passedToCluster)}`);
  parts.push(`errors ${countText(t.errors)}`, rateText(perSecond));
  if (latency?.p50 !== undefined && latency.p95 !== undefined) parts.push(`p50 ${durationText(latency.p50)} p95 ${durationText(latency.p95)}`);
  if (inFlight > 0) parts.push(`in flight ${countText(inFlight)}`);
  if (t.outbound) parts.push(`outbound ${countText(t.outbound)}${t.outboundFailed ? ` (${countText(t.outboundFailed)} failed)` : ''}`);
  return parts.join(' · ');
}

export const HEALTH_TEXT: Record<Health, { text: string; colour: Colour }> = {
  starting: { text: 'starting', colour: 'cyan' },
  healthy: { text: 'healthy', colour: 'green' },
  reconnecting: { text: 'reconnecting', colour: 'yellow' },
  'no-tunnel': { text: 'no tunnel', colour: 'yellow' },
  'local-down': { text: 'local app down', colour: 'red' },
  leaving: { text: 'leaving', colour: 'magenta' },
  left: { text: 'left', colour: 'gray' },
  failed: { text: 'failed', colour: 'red' },
};
