// One request in the traffic table, coloured by its status; the selected row is inverted.
import { Text } from 'ink';
import type { TrafficRow as Row } from '../state/traffic.js';
import { statusColour } from '../render/format.js';
import { rowCells, type Columns } from '../render/rows.js';

export function TrafficRow({ event, cols, selected }: { event: Row; cols: Columns; selected: boolean }) {
  const c = rowCells(event, cols);
  const colour = statusColour(event.status, event.error);
  return (
    <Text inverse={selected} wrap="truncate">
      {selected ? '›' : ' '}
      <Text dimColor>{c.time}</Text> {c.method} {c.path} <Text color={colour}>{c.status}</Text> {c.duration} {c.size} {event.replayOf ? <Text color="magenta">{c.pod}</Text> : <Text dimColor>{c.pod}</Text>}
    </Text>
  );
}
