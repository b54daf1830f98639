// Screen 5: what confirming will change in the cluster, and whether the local app is up yet (a
// flag-given setup may come straight here); Enter starts, Esc goes back, h records to a HAR file.
import { Box, Text } from 'ink';
import { useState } from 'react';
import { Footer } from '../components/Footer.js';
import { ListenCheck } from '../components/ListenCheck.js';
import { useKeys } from '../hooks/use-keys.js';
import { defaultHarFile, planLines, type SetupChoice } from '../render/setup.js';

export interface PlanStepProps {
  choice: SetupChoice;
  width: number;
  /** Resolves true when something accepts connections on 127.0.0.1:port. */
  probePort: (port: number) => Promise<boolean>;
  onConfirm: (choice: SetupChoice) => void;
  onBack: () => void;
  inputActive?: boolean;
}

export function PlanStep({ choice, width, probePort, onConfirm, onBack, inputActive = true }: PlanStepProps) {
  const [harFile, setHarFile] = useState(choice.harFile);
  const chosen: SetupChoice = { ...choice, harFile };
  if (harFile === undefined) delete chosen.harFile;
  useKeys((input, key) => {
    if (key.return) onConfirm(chosen);
    else if (input === 'h') setHarFile(harFile === undefined ? (choice.harFile ?? defaultHarFile(choice)) : undefined);
    else if (key.escape || (key.ctrl && input === 'c')) onBack();
  }, inputActive);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>This will change the cluster:</Text>
      {planLines(chosen).map((l, i) => (
        <Text key={i} wrap="wrap">• {l}</Text>
      ))}
      {choice.ports.map((p) => <ListenCheck key={p.localPort} port={p.localPort} probePort={probePort} />)}
      <Text> </Text>
      <Footer hints={[{ key: '⏎', label: 'start the intercept' }, { key: 'h', label: harFile === undefined ? 'record to a HAR file' : 'do not record' }, { key: 'esc', label: 'back' }]} width={width} />
    </Box>
  );
}
