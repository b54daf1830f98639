// The visible window of the request table: a heading and as many rows as the height allows,
// following the newest request unless one is selected.
import { Box, Text } from 'ink';
import type { TrafficRow as Row } from '../state/traffic.js';
import { columnsFor, headerCells, visibleWindow } from '../render/rows.js';
import { TrafficRow } from './TrafficRow.js';

export interface TrafficTableProps {
  rows: Row[];
  selectedIndex?: number;
  width: number;
  /** Lines for the table including its heading. */
  height: number;
  emptyText: string;
}

export function TrafficTable({ rows, selectedIndex, width, height, emptyText }: TrafficTableProps) {
  // One column for the selection mark, readable without colours too.
  const cols = columnsFor(width - 1);
  const h = headerCells(cols);
  const { from, to } = visibleWindow(rows.length, height - 1, selectedIndex);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">{` ${h.time} ${h.method} ${h.path} ${h.status} ${h.duration} ${h.size} ${h.pod}`}</Text>
      {rows.length === 0 ? <Text dimColor>{emptyText}</Text> : null}
      {rows.slice(from, to).map((e, i) => (
        <TrafficRow key={e.id} event={e} cols={cols} selected={from + i === selectedIndex} />
      ))}
    </Box>
  );
}
