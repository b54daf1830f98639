// Screens 2-5 in order: workload, port, match, plan. Esc goes back a step; what the flags gave
// is prefilled, and a workload named by a flag skips the picker.
import { Box } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { ServicePortInfo, WorkloadInfo } from '../../plugin/engine/workloads.js';
import { describeError } from '../../plugin/errors.js';
import { Header, type HeaderInfo } from '../components/Header.js';
import type { ScreenSize } from '../hooks/use-screen-size.js';
import type { MatchForm, SetupChoice } from '../render/setup.js';
import type { TuiSession } from '../session.js';
import { MatchStep } from './MatchStep.js';
import { PlanStep } from './PlanStep.js';
import { PortStep } from './PortStep.js';
import { WorkloadPicker } from './WorkloadPicker.js';

export interface SetupOptions {
  /** The workloads of the current namespace, or of all namespaces (Tab in the picker). */
  listWorkloads: (allNamespaces: boolean) => Promise<WorkloadInfo[]>;
  /** Makes the (not yet started) session for what the user chose. */
  createSession: (choice: SetupChoice) => TuiSession;
  /** Resolves true when something accepts connections on 127.0.0.1:port. */
  probePort: (port: number) => Promise<boolean>;
  prefill?: { workload?: string; match?: Partial<MatchForm>; envFile?: string };
}

type Step = { at: 'workload' } | { at: 'port'; workload: WorkloadInfo } | { at: 'match'; workload: WorkloadInfo; port: ServicePortInfo; localPort: number } | { at: 'plan'; choice: SetupChoice };

export interface SetupFlowProps {
  setup: SetupOptions;
  header: HeaderInfo;
  size: ScreenSize;
  onChosen: (choice: SetupChoice) => void;
  onCancel: () => void;
  inputActive?: boolean;
}

export function SetupFlow({ setup, header, size, onChosen, onCancel, inputActive = true }: SetupFlowProps) {
  const [workloads, setWorkloads] = useState<WorkloadInfo[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [step, setStep] = useState<Step>({ at: 'workload' });
  const [allNamespaces, setAllNamespaces] = useState(false);
  const prefilled = useRef(false);
  useEffect(() => {
    let live = true;
    setWorkloads(undefined);
    setError(undefined);
    setup.listWorkloads(allNamespaces).then(
      (list) => {
        if (!live) return;
        setWorkloads(list);
        // A workload named by a flag skips the picker once; Esc from the port step comes back here.
        const named = prefilled.current ? undefined : list.find((w) => w.name === setup.prefill?.workload && !w.notInterceptable);
        prefilled.current = true;
        if (named) setStep({ at: 'port', workload: named });
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
  }, [setup, allNamespaces]);
  const width = size.columns;
  const common = { width, inputActive };
  let body;
  if (step.at === 'workload') {
    body = (
      <WorkloadPicker
        {...common}
        workloads={workloads}
        error={error}
        height={size.rows - 1}
        allNamespaces={allNamespaces}
        onToggleNamespaces={() => setAllNamespaces((a) => !a)}
        onPick={(w) => setStep({ at: 'port', workload: w })}
        onCancel={onCancel}
      />
    );
  } else if (step.at === 'port') {
    body = <PortStep {...common} workload={step.workload} probePort={setup.probePort} onBack={() => setStep({ at: 'workload' })} onDone={(port, localPort) => setStep({ at: 'match', workload: step.workload, port, localPort })} />;
  } else if (step.at === 'match') {
    body = (
      <MatchStep
        {...common}
        initial={{ ...setup.prefill?.match, envFile: setup.prefill?.envFile }}
        onBack={() => setStep({ at: 'port', workload: step.workload })}
        onDone={(match, envFile) => setStep({ at: 'plan', choice: { workload: step.workload, port: step.port, localPort: step.localPort, match, ...(envFile ? { envFile } : {}) } })}
      />
    );
  } else {
    const { choice } = step;
    body = <PlanStep {...common} choice={choice} onConfirm={() => onChosen(choice)} onBack={() => setStep({ at: 'match', workload: choice.workload, port: choice.port, localPort: choice.localPort })} />;
  }
  return (
    <Box flexDirection="column" width={width} height={size.rows}>
      <Header info={header} width={width} />
      {body}
    </Box>
  );
}
