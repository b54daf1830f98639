// Screen 3: which Service port(s) to intercept and the local port each goes to (prefilled with the
// app's port), warning when nothing listens there yet. Enter takes the port under the cursor, or,
// once space has picked some, those: one intercept of several ports.
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { WorkloadInfo } from '../../plugin/engine/workloads.js';
import { Footer } from '../components/Footer.js';
import { ListenCheck } from '../components/ListenCheck.js';
import { useKeys } from '../hooks/use-keys.js';
import { portLabel, portsProblem, usablePorts, workloadName, type ChosenPort } from '../render/setup.js';

export interface PortStepProps {
  workload: WorkloadInfo;
  width: number;
  /** Resolves true when something accepts connections on 127.0.0.1:port. */
  probePort: (port: number) => Promise<boolean>;
  onDone: (ports: ChosenPort[]) => void;
  onBack: () => void;
  /** Why the ports shown are not what the flags asked for. */
  note?: string;
  inputActive?: boolean;
}

const validPort = (text: string) => /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 65535;

export function PortStep({ workload, width, probePort, onDone, onBack, note, inputActive = true }: PortStepProps) {
  const usable = usablePorts(workload);
  const several = usable.length > 1;
  const [index, setIndex] = useState(0);
  const [locals, setLocals] = useState(() => usable.map((p) => String(p.containerPort ?? '')));
  const [picked, setPicked] = useState<number[]>([]);
  const local = locals[index] ?? '';
  const valid = validPort(local);
  const chosen = (picked.length > 0 ? [...picked].sort((a, b) => a - b) : [index]).filter((i) => usable[i]);
  const invalid = chosen.find((i) => !validPort(locals[i]));
  const problem = invalid !== undefined ? undefined : portsProblem(chosen.map((i) => ({ port: usable[i], localPort: Number(locals[i]) })));
  const edit = (f: (l: string) => string) => setLocals((ls) => ls.map((l, i) => (i === index ? f(l) : l)));
  useKeys((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) return onBack();
    if (key.upArrow || key.downArrow) return setIndex(Math.min(usable.length - 1, Math.max(0, index + (key.upArrow ? -1 : 1))));
    if (input === ' ' && several) return setPicked((p) => (p.includes(index) ? p.filter((i) => i !== index) : [...p, index]));
    if (key.backspace || key.delete) return edit((l) => l.slice(0, -1));
    if (key.return && chosen.length > 0 && invalid === undefined && !problem) return onDone(chosen.map((i) => ({ port: usable[i], localPort: Number(locals[i]) })));
    // Typed fast or pasted, several digits arrive as one input.
    if (/^\d+$/.test(input)) edit((l) => (l + input).slice(0, 5));
  }, inputActive);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Port of {workloadName(workload)} to intercept{several ? ' (space picks several)' : ''}</Text>
      {note ? <Text color="yellow" wrap="wrap">{note}</Text> : null}
      {usable.map((p, i) => (
        <Text key={`${p.service}:${p.port}`} inverse={i === index} wrap="truncate">
          {i === index ? '›' : ' '}{several ? (picked.includes(i) ? '[x] ' : '[ ] ') : ''}{portLabel(p)}{picked.includes(i) ? ` · local ${locals[i]}` : ''}
        </Text>
      ))}
      <Text> </Text>
      <Text>
        local port: <Text bold>{local}▏</Text> <Text dimColor>(requests go to 127.0.0.1:{local || '?'})</Text>
      </Text>
      {!valid ? <Text color="red">the local port must be a number from 1 to 65535</Text> : null}
      {valid && invalid !== undefined ? <Text color="red">the local port of {usable[invalid].service}:{usable[invalid].port} must be a number from 1 to 65535</Text> : null}
      {problem ? <Text color="red">{problem}</Text> : null}
      {valid ? <ListenCheck port={Number(local)} probePort={probePort} /> : null}
      <Footer hints={[{ key: '⏎', label: 'next' }, { key: '↑↓', label: 'service port' }, ...(several ? [{ key: 'space', label: 'pick several' }] : []), { key: '0-9', label: 'local port' }, { key: 'esc', label: 'back' }]} width={width} />
    </Box>
  );
}
