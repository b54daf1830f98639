// Screens 2-5 in order: workload, port, match, plan. Esc goes back a step. What the flags gave is
// prefilled and skips its step: a workload named by a flag skips the picker, its port step too
// when it has one port to offer, and the match step when a match flag was given
// (`kubectl intercept orders --http-header x-dev=me` comes straight to the plan).
import { Box } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { Match } from '../../plugin/protocol/matcher.js';
import type { WorkloadRef } from '../../plugin/engine/refs.js';
import type { WorkloadInfo } from '../../plugin/engine/workloads.js';
import { describeError } from '../../plugin/errors.js';
import { Header, type HeaderInfo } from '../components/Header.js';
import type { ScreenSize } from '../hooks/use-screen-size.js';
import { formFromMatch, usablePorts, type ChosenPort, type SetupChoice } from '../render/setup.js';
import type { TuiSession } from '../session.js';
import { MatchStep } from './MatchStep.js';
import { NamespacePicker } from './NamespacePicker.js';
import { PlanStep } from './PlanStep.js';
import { PortStep } from './PortStep.js';
import { WorkloadPicker } from './WorkloadPicker.js';

export interface SetupOptions {
  /** The workloads of a namespace, or of all namespaces (undefined). */
  listWorkloads: (namespace: string | undefined) => Promise<WorkloadInfo[]>;
  /** The namespaces the user may list, for Tab in the picker. */
  listNamespaces: () => Promise<string[]>;
  /** Makes the (not yet started) session for what the user chose. */
  createSession: (choice: SetupChoice) => TuiSession;
  /** Resolves true when something accepts connections on 127.0.0.1:port. */
  probePort: (port: number) => Promise<boolean>;
  prefill?: SetupPrefill;
}

/** What the command line already said. */
export interface SetupPrefill {
  workload?: WorkloadRef;
  /** --service / --container: only that Service's (container's) ports are offered. */
  service?: string;
  container?: string;
  /** The match flags' match, when any was given. */
  match?: Match;
  envFile?: string;
  /** --har: the plan starts with recording on, to this file. */
  har?: string;
}

type Step = { at: 'workload' } | { at: 'namespace' } | { at: 'port'; workload: WorkloadInfo; note?: string } | { at: 'match'; workload: WorkloadInfo; ports: ChosenPort[] } | { at: 'plan'; choice: SetupChoice };

export interface SetupFlowProps {
  setup: SetupOptions;
  header: HeaderInfo;
  size: ScreenSize;
  onChosen: (choice: SetupChoice) => void;
  onCancel: () => void;
  inputActive?: boolean;
}

/** The workload with only the ports the flags allow; all of them, with a note, when none is left. */
function offeredPorts(w: WorkloadInfo, prefill: SetupPrefill | undefined): { workload: WorkloadInfo; note?: string } {
  const { service, container } = prefill ?? {};
  if (service === undefined && container === undefined) return { workload: w };
  const ports = w.ports.filter((p) => (service === undefined || p.service === service) && (container === undefined || p.container === container));
  if (usablePorts({ ports }).length > 0) return { workload: { ...w, ports } };
  const asked = [service !== undefined ? `Service "${service}"` : '', container !== undefined ? `container "${container}"` : ''].filter(Boolean).join(' and ');
  return { workload: w, note: `${w.name} has no port of ${asked}: choose one of these` };
}

export function SetupFlow({ setup, header, size, onChosen, onCancel, inputActive = true }: SetupFlowProps) {
  // Which list it is travels with it: after Tab, the other list must not show for even one frame.
  const [loaded, setLoaded] = useState<{ scope: string | undefined; list: WorkloadInfo[] } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [step, setStep] = useState<Step>({ at: 'workload' });
  // The namespace listed (undefined: all), the header's at first.
  const [scope, setScope] = useState<string | undefined>(header.namespace);
  const prefilled = useRef(false);
  // The match the flags gave, or the one last confirmed: the port step then goes on to the plan.
  const chosenMatch = useRef(setup.prefill?.match);
  const envFileRef = useRef(setup.prefill?.envFile);
  useEffect(() => {
    let live = true;
    setLoaded(undefined);
    setError(undefined);
    setup.listWorkloads(scope).then(
      (list) => {
        if (!live) return;
        setLoaded({ scope, list });
        // A workload named by a flag skips the picker once; Esc from the port step comes back here.
        const ref = prefilled.current ? undefined : setup.prefill?.workload;
        prefilled.current = true;
        const named = ref && list.find((w) => w.name === ref.name && (ref.kind === undefined || w.kind === ref.kind) && !w.notInterceptable);
        if (!named) return;
        // Its one port to offer needs no question either.
        const { workload, note } = offeredPorts(named, setup.prefill);
        const ports = usablePorts(workload);
        setStep(note || ports.length !== 1 ? { at: 'port', workload, note } : afterPort(workload, [{ port: ports[0], localPort: ports[0].containerPort! }]));
      },
      (err: unknown) => {
        if (!live) return;
        const d = describeError(err);
        setError(d.hint ? `${d.message}: ${d.hint}` : d.message);
      },
    );
    return () => {
      live = false;
    };
  }, [setup, scope]);
  const afterPort = (workload: WorkloadInfo, ports: ChosenPort[]): Step => {
    const match = chosenMatch.current;
    if (!match) return { at: 'match', workload, ports };
    const har = setup.prefill?.har;
    return { at: 'plan', choice: { workload, ports, match, ...(envFileRef.current ? { envFile: envFileRef.current } : {}), ...(har ? { harFile: har } : {}) } };
  };
  const width = size.columns;
  const common = { width, inputActive };
  let body;
  if (step.at === 'workload') {
    body = (
      <WorkloadPicker
        {...common}
        workloads={loaded && loaded.scope === scope ? loaded.list : undefined}
        error={error}
        height={size.rows - 1}
        namespace={scope}
        onChooseNamespace={() => setStep({ at: 'namespace' })}
        initialFilter={setup.prefill?.workload?.name}
        onPick={(w) => setStep({ at: 'port', ...offeredPorts(w, setup.prefill) })}
        onCancel={onCancel}
      />
    );
  } else if (step.at === 'namespace') {
    body = (
      <NamespacePicker
        {...common}
        height={size.rows - 1}
        current={scope}
        listNamespaces={setup.listNamespaces}
        onPick={(ns) => {
          setScope(ns);
          setStep({ at: 'workload' });
        }}
        onBack={() => setStep({ at: 'workload' })}
      />
    );
  } else if (step.at === 'port') {
    body = <PortStep {...common} workload={step.workload} note={step.note} probePort={setup.probePort} onBack={() => setStep({ at: 'workload' })} onDone={(ports) => setStep(afterPort(step.workload, ports))} />;
  } else if (step.at === 'match') {
    body = (
      <MatchStep
        {...common}
        initial={{ ...(chosenMatch.current ? formFromMatch(chosenMatch.current) : {}), envFile: envFileRef.current }}
        onBack={() => setStep({ at: 'port', workload: step.workload })}
        onDone={(match, envFile) => {
          chosenMatch.current = match;
          envFileRef.current = envFile;
          setStep(afterPort(step.workload, step.ports));
        }}
      />
    );
  } else {
    const { choice } = step;
    body = <PlanStep {...common} choice={choice} probePort={setup.probePort} onConfirm={onChosen} onBack={() => setStep({ at: 'match', workload: choice.workload, ports: choice.ports })} />;
  }
  return (
    <Box flexDirection="column" width={width} height={size.rows}>
      <Header info={{ ...header, namespace: scope ?? 'all' }} width={width} />
      {body}
    </Box>
  );
}
