// Screen 3: which Service port to intercept and the local port requests go to (prefilled with
// the app's port), warning when nothing listens there yet.
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { ServicePortInfo, WorkloadInfo } from '../../plugin/engine/workloads.js';
import { Footer } from '../components/Footer.js';
import { ListenCheck } from '../components/ListenCheck.js';
import { useKeys } from '../hooks/use-keys.js';
import { portLabel, usablePorts, workloadName } from '../render/setup.js';

export interface PortStepProps {
  workload: WorkloadInfo;
  width: number;
  /** Resolves true when something accepts connections on 127.0.0.1:port. */
  probePort: (port: number) => Promise<boolean>;
  onDone: (port: ServicePortInfo, localPort: number) => void;
  onBack: () => void;
  /** Why the ports shown are not what the flags asked for. */
  note?: string;
  inputActive?: boolean;
}

export function PortStep({ workload, width, probePort, onDone, onBack, note, inputActive = true }: PortStepProps) {
  const usable = usablePorts(workload);
  const [index, setIndex] = useState(0);
  const port = usable[index];
  const [local, setLocal] = useState(String(port?.containerPort ?? ''));
  const localPort = Number(local);
  const valid = /^\d+$/.test(local) && localPort >= 1 && localPort <= 65535;
  useKeys((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) return onBack();
    if (key.upArrow || key.downArrow) {
      const next = Math.min(usable.length - 1, Math.max(0, index + (key.upArrow ? -1 : 1)));
      setIndex(next);
      return setLocal(String(usable[next]?.containerPort ?? ''));
    }
    if (key.backspace || key.delete) return setLocal((l) => l.slice(0, -1));
    if (key.return && port && valid) return onDone(port, localPort);
    // Typed fast or pasted, several digits arrive as one input.
    if (/^\d+$/.test(input)) setLocal((l) => (l + input).slice(0, 5));
  }, inputActive);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Port of {workloadName(workload)} to intercept</Text>
      {note ? <Text color="yellow" wrap="wrap">{note}</Text> : null}
      {usable.map((p, i) => (
        <Text key={`${p.service}:${p.port}`} inverse={i === index} wrap="truncate">{i === index ? '›' : ' '}{portLabel(p)}</Text>
      ))}
      <Text> </Text>
      <Text>
        local port: <Text bold>{local}▏</Text> <Text dimColor>(requests go to 127.0.0.1:{local || '?'})</Text>
      </Text>
      {!valid ? <Text color="red">the local port must be a number from 1 to 65535</Text> : null}
      {valid ? <ListenCheck port={localPort} probePort={probePort} /> : null}
      <Footer hints={[{ key: '⏎', label: 'next' }, { key: '↑↓', label: 'service port' }, { key: '0-9', label: 'local port' }, { key: 'esc', label: 'back' }]} width={width} />
    </Box>
  );
}
