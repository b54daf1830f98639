// The totals line: intercepted, passed to the cluster, errors, req/s, p50/p95 latency and a
// sparkline of the last seconds.
import { Box, Text } from 'ink';
import { sparkline } from '../render/sparkline.js';
import { totalsText } from '../render/totals.js';
import { truncate } from '../render/format.js';
import { percentiles, recentCounts, requestsPerSecond, type TrafficState } from '../state/traffic.js';

export function TotalsBar({ traffic, now, width }: { traffic: TrafficState; now: number; width: number }) {
  const [p50, p95] = percentiles(traffic.latencies, [50, 95]);
  const latency = { p50, p95 };
  const text = totalsText(traffic.totals, requestsPerSecond(traffic, now), traffic.inFlight.size, latency);
  const sparkWidth = Math.max(0, Math.min(30, width - text.length - 2));
  return (
    <Box width={width}>
      <Text color={traffic.totals.errors > 0 ? 'yellow' : undefined}>{truncate(text, width)}</Text>
      {sparkWidth >= 5 ? <Text color="cyan">{'  ' + sparkline(recentCounts(traffic, now, sparkWidth), sparkWidth)}</Text> : null}
    </Box>
  );
}
