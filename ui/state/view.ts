// Everything the session screens show, folded from one event stream: progress and traffic.
import type { EngineEvent } from '../../plugin/engine/events.js';
import { foldProgress, initialProgress, withFailure, type Failure, type ProgressState } from './progress.js';
import { applyTrafficAction, foldTraffic, initialTraffic, type TrafficAction, type TrafficState } from './traffic.js';

export interface ViewState {
  progress: ProgressState;
  traffic: TrafficState;
}

export type ViewAction = TrafficAction | { type: 'failure'; failure: Failure };

export function initialView(rowLimit?: number): ViewState {
  return { progress: initialProgress(), traffic: initialTraffic(rowLimit) };
}

export function foldView(state: ViewState, events: readonly EngineEvent[], now: number): ViewState {
  if (events.length === 0) return { ...state, traffic: foldTraffic(state.traffic, events, now) };
  return { progress: foldProgress(state.progress, events), traffic: foldTraffic(state.traffic, events, now) };
}

export function applyViewAction(state: ViewState, action: ViewAction): ViewState {
  if (action.type === 'failure') return { ...state, progress: withFailure(state.progress, action.failure) };
  return { ...state, traffic: applyTrafficAction(state.traffic, action) };
}
