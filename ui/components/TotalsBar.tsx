// The totals line: intercepted, passed to the cluster, errors, req/s and a sparkline of the last
// seconds.
import { Box, Text } from 'ink';
import { sparkline } from '../render/sparkline.js';
import { totalsText } from '../render/totals.js';
import { truncate } from '../render/format.js';
import { recentCounts, requestsPerSecond, type TrafficState } from '../state/traffic.js';

export function TotalsBar({ traffic, now, width }: { traffic: TrafficState; now: number; width: number }) {
  const text = totalsText(traffic.totals, requestsPerSecond(traffic, now), traffic.inFlight.size);
  const sparkWidth = Math.max(0, Math.min(30, width - text.length - 2));
  return (
    <Box width={width}>
      <Text color={traffic.totals.errors > 0 ? 'yellow' : undefined}>{truncate(text, width)}</Text>
      {sparkWidth >= 5 ? <Text color="cyan">{'  ' + sparkline(recentCounts(traffic, now, sparkWidth), sparkWidth)}</Text> : null}
    </Box>
  );
}
