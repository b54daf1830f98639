// The opened request's response body alone (`b` in the detail): whole, wrapped, scrolled with ↑↓,
// for a body the detail had to cut.
import { Box, Text } from 'ink';
import type { TrafficEvent } from '../../plugin/tunnel/types.js';
import { wholeBodyLines } from '../render/detail.js';
import { truncate } from '../render/format.js';

/** The body's lines at this width, and how many fit under the title. */
export function responseBodyLayout(event: TrafficEvent, width: number, height: number): { lines: string[]; page: number; scrollMax: number } {
  const lines = wholeBodyLines(event.responseBody, event.bytesOut, width - 2);
  const page = Math.max(1, height - 1);
  return { lines, page, scrollMax: Math.max(0, lines.length - page) };
}

export function ResponseBody({ event, width, height, scroll }: { event: TrafficEvent; width: number; height: number; scroll: number }) {
  const { lines, page, scrollMax } = responseBodyLayout(event, width, height);
  const from = Math.min(scroll, scrollMax);
  const shown = lines.slice(from, from + page);
  const where = lines.length > page ? ` · lines ${from + 1}-${from + shown.length} of ${lines.length}` : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color="blue" wrap="truncate">{truncate(`response body of ${event.method ?? event.protocol.toUpperCase()} ${event.path ?? ''}${where}`, width)}</Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate">{'  ' + l}</Text>
      ))}
    </Box>
  );
}
