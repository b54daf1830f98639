// The intercept's one-line summary under the header: name, where requests go, the match and its
// state (healthy, reconnecting, local app down, ...), with how many pods have a tunnel.
import { Box, Text } from 'ink';
import type { InterceptInfo } from '../../plugin/engine/events.js';
import { matchText } from '../../plugin/engine/intercept-match.js';
import { interceptPorts } from '../../plugin/engine/intercept-ports.js';
import { truncate } from '../render/format.js';
import { HEALTH_TEXT } from '../render/totals.js';
import type { Health } from '../state/traffic.js';

export interface InterceptLineProps {
  info?: InterceptInfo;
  health: Health;
  activeTunnels: number;
  tunnels: number;
  width: number;
}

export function InterceptLine({ info, health, activeTunnels, tunnels, width }: InterceptLineProps) {
  const h = HEALTH_TEXT[health];
  const state = `● ${h.text}`;
  const pods = tunnels > 0 ? ` · ${activeTunnels}/${tunnels} pods` : '';
  const what = info
    ? `${info.kind.toLowerCase()}/${info.workload} ${interceptPorts(info).map((p) => `:${p.servicePort} → ${p.localTarget.host}:${p.localTarget.port}`).join(', ')} · ${matchText(info.match)}`
    : 'no intercept yet';
  const room = Math.max(0, width - state.length - pods.length - 1);
  return (
    <Box width={width}>
      <Text>{truncate(what, room)} </Text>
      <Text color={h.colour} bold>{state}</Text>
      <Text dimColor>{pods}</Text>
    </Box>
  );
}
