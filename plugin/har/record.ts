// `--har FILE`: folds the engine's traffic events into a HAR file as they come, one entry per
// finished HTTP request (raw TCP has none), masked unless asked otherwise.
import type { EventHub } from '../engine/event-hub.js';
import type { EngineEvent } from '../engine/events.js';
import { harEntry } from './entry.js';
import { HarFile } from './writer.js';

export interface HarRecording {
  readonly path: string;
  entries(): number;
  /** Stops listening and closes the file (still valid JSON, as it was after every entry). */
  stop(): void;
}

export interface RecordOptions {
  unmasked?: boolean;
  localTarget?: string;
  /** Called once if the file cannot be written any more (a full disk): recording stops. */
  onError?: (message: string) => void;
}

export function recordHar(events: EventHub<EngineEvent>, path: string, opts: RecordOptions = {}): HarRecording {
  const file = HarFile.create(path, { localTarget: opts.localTarget, ...(opts.unmasked ? { comment: 'credentials are not masked in this file' } : {}) });
  let unsubscribe: (() => void) | undefined;
  const stop = () => {
    unsubscribe?.();
    unsubscribe = undefined;
    file.close();
  };
  unsubscribe = events.subscribe((e) => {
    if (e.type !== 'traffic') return;
    const entry = harEntry(e, opts.unmasked);
    if (!entry) return;
    try {
      file.add(entry);
    } catch (err) {
      stop();
      opts.onError?.(`stopped writing ${path}: ${(err as Error).message}`);
    }
  });
  return { path, entries: () => file.entries, stop };
}
