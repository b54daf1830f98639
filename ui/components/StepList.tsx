// The engine's steps, one line each: a mark for its state, its name, the latest message and,
// for rollouts, "n of m ready".
import { Box, Text } from 'ink';
import { truncate } from '../render/format.js';
import { STEP_LABELS, type StepLine } from '../state/progress.js';

const MARK = { running: { text: '…', colour: 'cyan' }, done: { text: '✓', colour: 'green' }, failed: { text: '✗', colour: 'red' } } as const;

export function stepText(line: StepLine): string {
  const ready = line.total !== undefined ? ` (${line.ready ?? 0} of ${line.total} ready)` : '';
  return `${STEP_LABELS[line.step]}: ${line.message}${ready}`;
}

export function StepList({ lines, width, height }: { lines: StepLine[]; width: number; height: number }) {
  const shown = lines.slice(-Math.max(1, height));
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate">
          <Text color={MARK[l.status].colour}>{MARK[l.status].text}</Text> {truncate(stepText(l), width - 2)}
        </Text>
      ))}
    </Box>
  );
}
