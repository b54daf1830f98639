// A failure as a bordered panel: what went wrong, and on its own line what to do about it.
import { Box, Text } from 'ink';
import type { Failure } from '../state/progress.js';

export function ErrorPanel({ failure, width }: { failure: Failure; width: number }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1} width={width}>
      <Text color="red" bold>error</Text>
      <Text>{failure.message}</Text>
      {failure.hint ? <Text color="yellow">{failure.hint}</Text> : null}
    </Box>
  );
}
