// One request opened from the table: timing, request and response headers (secrets arrive
// masked from the agent) and a preview of text bodies, laid out by detailLines to fit; with the
// answer to its replay beside the recorded one when it was sent again.
import { Box, Text } from 'ink';
import type { TrafficEvent } from '../../plugin/tunnel/types.js';
import { detailLines, type DetailLine } from '../render/detail.js';
import { statusColour } from '../render/format.js';
import { statusCell } from '../render/rows.js';

function DetailText({ line, event }: { line: DetailLine; event: TrafficEvent }) {
  switch (line.kind) {
    case 'title':
      return (
        <Text wrap="truncate">
          <Text bold>{line.text}</Text> <Text bold color={statusColour(event.status, event.error)}>{statusCell(event)}</Text>
        </Text>
      );
    case 'meta':
      return <Text dimColor wrap="truncate">{line.text}</Text>;
    case 'error':
      return <Text color="red" wrap="truncate">{line.text}</Text>;
    case 'section':
      return <Text bold color="blue" wrap="truncate">{line.text}</Text>;
    case 'body':
      return <Text wrap="truncate">{'  ' + line.text}</Text>;
  }
}

export function RequestDetail({ event, second, width, height }: { event: TrafficEvent; second?: { title: string; event: TrafficEvent }; width: number; height: number }) {
  const lines = detailLines(event, width - 2, height, false, second);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.map((l, i) => (
        <DetailText key={i} line={l} event={event} />
      ))}
    </Box>
  );
}
