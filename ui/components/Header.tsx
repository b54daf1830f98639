// The always-visible first line: which cluster, namespace and user this session acts on.
import { Box, Text } from 'ink';
import { truncate } from '../render/format.js';

export interface HeaderInfo {
  context: string;
  server: string;
  namespace: string;
  user: string;
}

export function Header({ info, width }: { info: HeaderInfo; width: number }) {
  // The server goes last: it is the longest and the first to be cut on a narrow terminal.
  const text = `ctx ${info.context} · ns ${info.namespace} · user ${info.user} · ${info.server}`;
  return (
    <Box width={width}>
      <Text bold color="blue">kubectl intercept </Text>
      <Text dimColor>{truncate(text, Math.max(0, width - 18))}</Text>
    </Box>
  );
}
