// What the TUI needs of an intercept session: InterceptSession (plugin/engine/session.ts) has it
// all; tests and the benchmark pass small stand-ins over a real EventHub.
import type { EventHub } from '../plugin/engine/event-hub.js';
import type { EngineEvent, InterceptInfo } from '../plugin/engine/events.js';

export interface TuiSession {
  readonly events: EventHub<EngineEvent>;
  start(): Promise<InterceptInfo>;
  /** Ends the intercept; called while start() runs, it cuts the start short and undoes it. */
  leave(): Promise<void>;
  env(): Promise<Record<string, string>>;
  /** Resolves with the reason when the intercept is ended from elsewhere. */
  lost(): Promise<string>;
}
