// Lines of text filling the body of the traffic view: a title, then what fits (the body view,
// the curl command line).
import { Box, Text } from 'ink';
import { truncate } from '../render/format.js';

export function TextPanel({ title, lines, width, height, wrap = false }: { title: string; lines: string[]; width: number; height: number; wrap?: boolean }) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color="blue" wrap="truncate">{truncate(title, width)}</Text>
      {lines.slice(0, Math.max(0, height - 1)).map((l, i) => (
        <Text key={i} wrap={wrap ? 'wrap' : 'truncate'}>{wrap ? l : truncate(l, width)}</Text>
      ))}
    </Box>
  );
}
