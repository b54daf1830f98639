// The engine's one event stream (DESIGN.md decision 7): progress of each step, the intercept's
// state, each tunnel's state, traffic records from the tunnels (tagged with their pod) and
// warnings. Front-ends (line printer, JSON lines, TUI) only ever read these.
import type { Match } from '../protocol/matcher.js';
import type { OutboundEvent, TrafficEvent, TrafficStartEvent, TunnelState } from '../tunnel/types.js';
import type { OutboundInfo } from './outbound.js';
import type { WorkloadKind } from './refs.js';
import type { EnvOverridesApplied } from './env-overrides.js';
import type { HolderProcess } from './holder-process.js';

export type Step = 'resolve' | 'lease' | 'install' | 'rollout' | 'service' | 'tunnel' | 'env' | 'leave' | 'restore';

export interface ProgressEvent {
  type: 'progress';
  step: Step;
  message: string;
  /** For rollouts: replicas ready with the change, of how many. */
  ready?: number;
  total?: number;
}

/** One Service port an intercept takes, and where its traffic goes on the holder's machine. */
export interface InterceptPort {
  service: string;
  servicePort: number;
  /** The app container's port the agent fronts. */
  appPort: number;
  localTarget: { host: string; port: number };
}

/**
 * What an intercept is, as printed, stored in its Lease and shown by `status`. `ports` lists every
 * port taken; service, servicePort, appPort and localTarget repeat the first, as versions before
 * `ports` wrote and read them (their Leases have no `ports`: interceptPorts() reads both).
 */
export interface InterceptInfo {
  name: string;
  namespace: string;
  kind: WorkloadKind;
  workload: string;
  container: string;
  service: string;
  servicePort: number;
  /** The app container's port the agent fronts. */
  appPort: number;
  match: Match;
  /** A mirror (`--mirror`, `wiretap`): gets copies, takes nothing from the callers. */
  mirror?: boolean;
  localTarget: { host: string; port: number };
  ports?: InterceptPort[];
  holder: string;
  /** The holder's process, so its own machine can tell at once when it is gone. */
  process?: HolderProcess;
  /** ISO time the intercept started. */
  since: string;
  /** The holder's local outbound proxy and --forward ports (on the holder's machine). */
  outbound?: OutboundInfo;
}

export type InterceptState = 'starting' | 'active' | 'leaving' | 'left' | 'failed';

export interface InterceptStateEvent {
  type: 'intercept';
  state: InterceptState;
  info: InterceptInfo;
  reason?: string;
  /** On 'active', when --env was given: which of its variables won over the pod's. */
  env?: EnvOverridesApplied;
}

export interface TunnelStateEvent {
  type: 'tunnel';
  pod: string;
  state: TunnelState;
  reason?: string;
}

export interface WarningEvent {
  type: 'warning';
  code: string;
  message: string;
  pod?: string;
}

/**
 * Requests on the intercepted port that matched no intercept and went to the app in the cluster,
 * since the intercept started, summed over the pods' agents. Sent when the number changes.
 */
export interface CountsEvent {
  type: 'counts';
  passedToCluster: number;
}

export type EngineEvent = ProgressEvent | InterceptStateEvent | TunnelStateEvent | TrafficStartEvent | TrafficEvent | WarningEvent | CountsEvent | OutboundEvent;
