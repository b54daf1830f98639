// Screen 6, and the leave screen: the engine's steps with their state, rollouts as "n of m
// ready", and a failure as a panel with the message and what to do.
import { Box, Text } from 'ink';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { Footer, type KeyHint } from '../components/Footer.js';
import { Header, type HeaderInfo } from '../components/Header.js';
import { StepList } from '../components/StepList.js';
import { useKeys } from '../hooks/use-keys.js';
import type { ScreenSize } from '../hooks/use-screen-size.js';
import type { ProgressState } from '../state/progress.js';

export interface ProgressViewProps {
  progress: ProgressState;
  header: HeaderInfo;
  size: ScreenSize;
  title: string;
  /** q / Ctrl-C: cancel while starting, exit after a failure. */
  onQuit: () => void;
  quitLabel: string;
  inputActive?: boolean;
}

export function ProgressView({ progress, header, size, title, onQuit, quitLabel, inputActive = true }: ProgressViewProps) {
  useKeys(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c') || (progress.failure && (key.return || key.escape))) onQuit();
    },
    inputActive,
  );
  const width = size.columns;
  const panelHeight = progress.failure ? 6 : 0;
  const hints: KeyHint[] = [{ key: 'q', label: quitLabel }];
  return (
    <Box flexDirection="column" width={width} height={size.rows}>
      <Header info={header} width={width} />
      <Text bold>{title}</Text>
      <Box flexDirection="column" flexGrow={1}>
        <StepList lines={progress.lines} width={width} height={Math.max(1, size.rows - 4 - panelHeight)} />
        {progress.failure ? <ErrorPanel failure={progress.failure} width={width} /> : null}
      </Box>
      <Footer hints={hints} width={width} />
    </Box>
  );
}
