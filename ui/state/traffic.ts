// The traffic view's model: folds engine events into bounded state (the last N requests, totals,
// per-second counts, tunnel and intercept state). Pure: the hook hands it batches of events with
// the time they arrived, so at 1,000 requests/s the rows array is copied once per batch, not per event.
import type { EngineEvent, InterceptInfo, InterceptState } from '../../plugin/engine/events.js';
import type { TrafficEvent, TunnelState } from '../../plugin/tunnel/types.js';

export const ROW_LIMIT = 1000;
/** Seconds of per-second request counts kept for the rate and its sparkline. */
export const RATE_SECONDS = 60;
/** How long a "local app unreachable" warning colours the state, unless a request got through since. */
export const LOCAL_DOWN_MS = 10_000;

export interface Totals {
  intercepted: number;
  /** Answers with status >= 500 and requests that failed without an answer. */
  errors: number;
  /** Requests the agents passed to the app in the cluster (matched no intercept); unknown at first. */
  passedToCluster?: number;
  bytesIn: number;
  bytesOut: number;
  /** Connections the local process made into the cluster through the agents, and how many failed (none yet: undefined). */
  outbound?: number;
  outboundFailed?: number;
}

/** A row of the table: a request the tunnels saw, or the answer to one sent again with `r`. */
export interface TrafficRow extends TrafficEvent {
  /** The id of the row this one replayed. */
  replayOf?: string;
}

/** Durations (ms) of the latest requests, for the totals' p50 and p95. */
export const LATENCY_SAMPLES = 1000;

export interface TrafficState {
  /** Oldest first; at most `limit` (the newest are kept). */
  rows: TrafficRow[];
  /** Durations of the last LATENCY_SAMPLES intercepted requests, oldest first. */
  latencies: number[];
  limit: number;
  totals: Totals;
  /** Requests begun and not yet finished (bounded: ids of lost streams are dropped). */
  inFlight: Set<string>;
  /** counts[i] = requests finished in second `endSecond - (counts.length - 1 - i)`. */
  rate: { endSecond: number; counts: number[] };
  tunnels: Record<string, { state: TunnelState; reason?: string }>;
  intercept?: { state: InterceptState; info: InterceptInfo; reason?: string };
  localDownAt?: number;
  localDownMessage?: string;
  lastOkAt?: number;
  warnings: { at: number; message: string }[];
  paused: boolean;
  /** Requests that arrived while paused (counted in totals, not added to rows). */
  missedWhilePaused: number;
}

export type TrafficAction = { type: 'pause' } | { type: 'resume' } | { type: 'toggle-pause' } | { type: 'clear' } | { type: 'replayed'; row: TrafficRow };

export function initialTraffic(limit = ROW_LIMIT): TrafficState {
  return {
    rows: [],
    latencies: [],
    limit,
    totals: { intercepted: 0, errors: 0, bytesIn: 0, bytesOut: 0 },
    inFlight: new Set(),
    rate: { endSecond: 0, counts: [] },
    tunnels: {},
    warnings: [],
    paused: false,
    missedWhilePaused: 0,
  };
}

export function isError(e: TrafficEvent): boolean {
  return e.error !== undefined || (e.status !== undefined && e.status >= 500);
}

/** Moves the per-second window forward to `second`, filling idle seconds with zeros. */
function advance(rate: TrafficState['rate'], second: number): TrafficState['rate'] {
  if (rate.counts.length === 0) return { endSecond: second, counts: [0] };
  if (second <= rate.endSecond) return rate;
  const gap = Math.min(second - rate.endSecond, RATE_SECONDS);
  const counts = [...rate.counts, ...new Array<number>(gap).fill(0)].slice(-RATE_SECONDS);
  return { endSecond: second, counts };
}

/** Folds a batch of events that arrived by `now` (epoch ms) into a new state. */
export function foldTraffic(state: TrafficState, events: readonly EngineEvent[], now: number): TrafficState {
  const rate = advance(state.rate, Math.floor(now / 1000));
  const counts = rate === state.rate ? [...rate.counts] : rate.counts;
  const added: TrafficEvent[] = [];
  const durations: number[] = [];
  const totals = { ...state.totals };
  let { intercept, localDownAt, localDownMessage, lastOkAt, missedWhilePaused } = state;
  let tunnels = state.tunnels;
  let warnings = state.warnings;
  const inFlight = events.some((e) => e.type === 'traffic-start' || e.type === 'traffic') ? new Set(state.inFlight) : state.inFlight;
  for (const e of events) {
    switch (e.type) {
      case 'traffic-start':
        inFlight.add(e.id);
        // A stream that never reports its end must not grow the set forever.
        if (inFlight.size > state.limit * 4) inFlight.delete(inFlight.values().next().value as string);
        break;
      case 'traffic':
        inFlight.delete(e.id);
        totals.intercepted++;
        totals.bytesIn += e.bytesIn;
        totals.bytesOut += e.bytesOut;
        durations.push(e.durationMs);
        if (isError(e)) totals.errors++;
        else lastOkAt = now;
        counts[counts.length - 1]++;
        if (state.paused) missedWhilePaused++;
        else added.push(e);
        break;
      case 'tunnel':
        tunnels = { ...tunnels, [e.pod]: { state: e.state, ...(e.reason ? { reason: e.reason } : {}) } };
        if (e.state === 'closed') {
          tunnels = { ...tunnels };
          delete tunnels[e.pod];
        }
        break;
      case 'intercept':
        intercept = { state: e.state, info: e.info, ...(e.reason ? { reason: e.reason } : {}) };
        break;
      case 'warning':
        if (e.code === 'local-unreachable') {
          localDownAt = now;
          localDownMessage = e.message;
        }
        warnings = [...warnings, { at: now, message: e.pod ? `pod ${e.pod}: ${e.message}` : e.message }].slice(-5);
        break;
      case 'counts':
        totals.passedToCluster = e.passedToCluster;
        break;
      case 'outbound':
        totals.outbound = (totals.outbound ?? 0) + 1;
        if (e.error) {
          totals.outboundFailed = (totals.outboundFailed ?? 0) + 1;
          warnings = [...warnings, { at: now, message: `outbound ${e.destination}${e.pod ? ` (pod ${e.pod})` : ''}: ${e.error}` }].slice(-5);
        }
        break;
      case 'progress':
        break;
    }
  }
  let rows = state.rows;
  if (added.length > 0) {
    rows = added.length >= state.limit ? added.slice(-state.limit) : [...state.rows.slice(Math.max(0, state.rows.length + added.length - state.limit)), ...added];
  }
  const latencies = durations.length === 0 ? state.latencies : [...state.latencies, ...durations].slice(-LATENCY_SAMPLES);
  return {
    ...state,
    rows,
    latencies,
    inFlight,
    totals,
    rate: { endSecond: rate.endSecond, counts },
    tunnels,
    intercept,
    localDownAt,
    localDownMessage,
    lastOkAt,
    warnings,
    missedWhilePaused,
  };
}

export function applyTrafficAction(state: TrafficState, action: TrafficAction): TrafficState {
  switch (action.type) {
    case 'pause':
      return { ...state, paused: true, missedWhilePaused: 0 };
    case 'resume':
      return { ...state, paused: false };
    case 'toggle-pause':
      return applyTrafficAction(state, { type: state.paused ? 'resume' : 'pause' });
    case 'clear':
      return { ...state, rows: [], missedWhilePaused: 0 };
    case 'replayed':
      // Shown even while paused: the user asked for it. Not counted as intercepted.
      return { ...state, rows: [...state.rows, action.row].slice(-state.limit) };
  }
}

/** The percentiles `ps` (0-100) of the samples, nearest rank, with one sort; undefined without samples. */
export function percentiles(samples: readonly number[], ps: readonly number[]): (number | undefined)[] {
  if (samples.length === 0) return ps.map(() => undefined);
  const sorted = Float64Array.from(samples).sort();
  return ps.map((p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
}

export function percentile(samples: readonly number[], p: number): number | undefined {
  return percentiles(samples, [p])[0];
}

/** Requests per second over the last `window` complete seconds before `now`. */
export function requestsPerSecond(state: TrafficState, now: number, window = 5): number {
  const nowSecond = Math.floor(now / 1000);
  let sum = 0;
  for (let s = nowSecond - window; s < nowSecond; s++) {
    const i = state.rate.counts.length - 1 - (state.rate.endSecond - s);
    if (i >= 0 && i < state.rate.counts.length) sum += state.rate.counts[i];
  }
  return sum / window;
}

/** Per-second counts of the last `seconds` complete seconds before `now` (zeros where idle). */
export function recentCounts(state: TrafficState, now: number, seconds: number): number[] {
  const nowSecond = Math.floor(now / 1000);
  const out: number[] = [];
  for (let s = nowSecond - seconds; s < nowSecond; s++) {
    const i = state.rate.counts.length - 1 - (state.rate.endSecond - s);
    out.push(i >= 0 && i < state.rate.counts.length ? state.rate.counts[i] : 0);
  }
  return out;
}

export type Health = 'starting' | 'healthy' | 'reconnecting' | 'no-tunnel' | 'local-down' | 'leaving' | 'left' | 'failed';

/** The one word the header shows for the intercept, most urgent first. */
export function healthOf(state: TrafficState, now: number): Health {
  const s = state.intercept?.state;
  if (s === 'failed' || s === 'leaving' || s === 'left') return s;
  if (!s || s === 'starting') return 'starting';
  const tunnels = Object.values(state.tunnels);
  if (tunnels.some((t) => t.state === 'reconnecting' || t.state === 'connecting')) return 'reconnecting';
  if (!tunnels.some((t) => t.state === 'active')) return 'no-tunnel';
  const down = state.localDownAt !== undefined && now - state.localDownAt < LOCAL_DOWN_MS && (state.lastOkAt === undefined || state.lastOkAt < state.localDownAt);
  return down ? 'local-down' : 'healthy';
}
