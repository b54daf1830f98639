// Screen 2: the namespace's workloads with kind, ready replicas, Service ports and agent state;
// typing filters; those that cannot be intercepted are greyed with the reason.
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { WorkloadInfo } from '../../plugin/engine/workloads.js';
import { Footer } from '../components/Footer.js';
import { useKeys } from '../hooks/use-keys.js';
import { fit, truncate } from '../render/format.js';
import { visibleWindow } from '../render/rows.js';
import { filterWorkloads, workloadCells } from '../render/setup.js';

export interface WorkloadPickerProps {
  workloads: WorkloadInfo[] | undefined;
  error?: string;
  width: number;
  height: number;
  /** The namespace listed; undefined when the list spans all of them. */
  namespace: string | undefined;
  /** Tab: choose another namespace. */
  onChooseNamespace: () => void;
  onPick: (w: WorkloadInfo) => void;
  onCancel: () => void;
  /** The workload a flag named but that cannot be taken as it is: shown filtered, with why. */
  initialFilter?: string;
  inputActive?: boolean;
}

export function WorkloadPicker({ workloads, error, width, height, namespace, onChooseNamespace, onPick, onCancel, initialFilter = '', inputActive = true }: WorkloadPickerProps) {
  const [filter, setFilter] = useState(initialFilter);
  const allNamespaces = namespace === undefined;
  const [index, setIndex] = useState(0);
  const [notice, setNotice] = useState('');
  const shown = filterWorkloads(workloads ?? [], filter);
  const selected = Math.min(index, Math.max(0, shown.length - 1));
  useKeys((input, key) => {
    setNotice('');
    if (key.ctrl && input === 'c') return onCancel();
    if (key.tab) {
      setIndex(0);
      return onChooseNamespace();
    }
    if (key.upArrow) return setIndex(Math.max(0, selected - 1));
    if (key.downArrow) return setIndex(Math.min(shown.length - 1, selected + 1));
    if (key.escape) return filter ? setFilter('') : onCancel();
    if (key.backspace || key.delete) return setFilter((f) => f.slice(0, -1));
    if (key.return) {
      const w = shown[selected];
      if (!w) return;
      if (w.notInterceptable) return setNotice(`${w.name} cannot be intercepted: ${w.notInterceptable}`);
      return onPick(w);
    }
    if (input && !key.ctrl && !key.meta && /^[a-z0-9./-]+$/i.test(input)) {
      setFilter((f) => f + input.toLowerCase());
      setIndex(0);
    }
  }, inputActive);
  const listHeight = Math.max(1, height - 4);
  const { from, to } = visibleWindow(shown.length, listHeight, selected);
  const nameW = Math.min(30, Math.max(12, Math.floor(width * 0.25)));
  const portsW = Math.max(8, Math.floor(width * 0.22));
  const stateW = Math.max(4, width - nameW - portsW - 10);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>Pick a workload to intercept{allNamespaces ? ' (all namespaces)' : ` in ${namespace}`} <Text dimColor>{filter ? `filter: ${filter}▏` : '(type to filter)'}</Text></Text>
      {error ? <Text color="red">{truncate(error, width)}</Text> : null}
      {!workloads && !error ? <Text dimColor>listing workloads…</Text> : null}
      {workloads && shown.length === 0 ? <Text dimColor>{filter ? 'no workload matches the filter' : 'no Deployments, StatefulSets or ReplicaSets here'}</Text> : null}
      <Box flexDirection="column" height={listHeight}>
        {shown.slice(from, to).map((w, i) => {
          const c = workloadCells(w, allNamespaces);
          const isSel = from + i === selected;
          return (
            <Text key={`${w.kind}/${w.name}`} wrap="truncate" dimColor={Boolean(w.notInterceptable)} inverse={isSel}>
              {isSel ? '›' : ' '}{fit(c.name, nameW)} {fit(c.ready, 5, 'right')}  {fit(c.ports, portsW)} {fit(c.state, stateW)}
            </Text>
          );
        })}
      </Box>
      <Text color="yellow" wrap="truncate">{truncate(notice, width)}</Text>
      <Footer hints={[{ key: '⏎', label: 'pick' }, { key: '↑↓', label: 'move' }, { key: 'tab', label: 'namespace' }, { key: 'esc', label: filter ? 'clear filter' : 'quit' }]} width={width} />
    </Box>
  );
}
