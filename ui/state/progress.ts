// The progress screen's model: the engine's steps as lines with a state (running, done, failed),
// rollouts as "n of m ready", and the failure, if any. Pure, folded like the traffic state.
import type { EngineEvent, Step } from '../../plugin/engine/events.js';

export type StepStatus = 'running' | 'done' | 'failed';

export interface StepLine {
  step: Step;
  message: string;
  status: StepStatus;
  ready?: number;
  total?: number;
}

export interface Failure {
  message: string;
  hint?: string;
}

export interface ProgressState {
  /** Which half of the session the lines belong to: setting up, or leaving and restoring. */
  phase: 'start' | 'leave';
  lines: StepLine[];
  failure?: Failure;
  finished: boolean;
}

const MAX_LINES = 30;

export const STEP_LABELS: Record<Step, string> = {
  resolve: 'find the workload',
  lease: 'take the lease',
  install: 'install the agent',
  rollout: 'roll out',
  service: 'point the Service',
  tunnel: 'open tunnels',
  env: 'write the environment',
  leave: 'leave',
  restore: 'restore',
};

export function initialProgress(): ProgressState {
  return { phase: 'start', lines: [], finished: false };
}

function settle(lines: StepLine[], status: StepStatus): StepLine[] {
  return lines.map((l) => (l.status === 'running' ? { ...l, status } : l));
}

export function foldProgress(state: ProgressState, events: readonly EngineEvent[]): ProgressState {
  let s = state;
  for (const e of events) {
    if (e.type === 'progress') {
      const last = s.lines[s.lines.length - 1];
      const line: StepLine = { step: e.step, message: e.message, status: 'running', ...(e.total !== undefined ? { ready: e.ready ?? 0, total: e.total } : {}) };
      // The same step again updates its line (a rollout counting up); a new step ends the previous one.
      const lines = last && last.step === e.step && last.status === 'running' ? [...s.lines.slice(0, -1), { ...last, ...line }] : [...settle(s.lines, 'done'), line];
      s = { ...s, lines: lines.slice(-MAX_LINES) };
    } else if (e.type === 'intercept') {
      if (e.state === 'active' || e.state === 'left') s = { ...s, lines: settle(s.lines, 'done'), finished: true };
      else if (e.state === 'leaving') s = { phase: 'leave', lines: [], finished: false, ...(s.failure ? { failure: s.failure } : {}) };
      else if (e.state === 'failed') s = { ...s, lines: settle(s.lines, 'failed'), failure: { message: e.reason ?? 'the intercept failed' } };
    }
  }
  return s;
}

/** The failure as the engine's error described it (message and what to do), replacing a vaguer one. */
export function withFailure(state: ProgressState, failure: Failure): ProgressState {
  return { ...state, lines: settle(state.lines, 'failed'), failure };
}
