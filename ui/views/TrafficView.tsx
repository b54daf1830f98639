// Screen 7, the live traffic view while the intercept holds: header, intercept state, the request
// table (or one request opened), totals with a rate sparkline, and the keys that act on them.
import { Box, Text } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { Footer, type KeyHint } from '../components/Footer.js';
import { Header, type HeaderInfo } from '../components/Header.js';
import { InterceptLine } from '../components/InterceptLine.js';
import { RequestDetail } from '../components/RequestDetail.js';
import { TotalsBar } from '../components/TotalsBar.js';
import { TrafficTable } from '../components/TrafficTable.js';
import type { EngineView } from '../hooks/use-engine.js';
import { useKeys } from '../hooks/use-keys.js';
import type { ScreenSize } from '../hooks/use-screen-size.js';
import { truncate } from '../render/format.js';
import { matchesFilter } from '../render/rows.js';
import { healthOf } from '../state/traffic.js';
import { INITIAL_UI, trafficKey, type TrafficUi } from '../state/traffic-keys.js';

export interface TrafficViewProps {
  view: EngineView;
  header: HeaderInfo;
  size: ScreenSize;
  onLeave: () => void;
  /** Writes the env file; resolves with what to tell the user. */
  onWriteEnv: () => Promise<string>;
  inputActive?: boolean;
}

const TABLE_KEYS: KeyHint[] = [
  { key: 'q', label: 'leave' },
  { key: '↑↓', label: 'select' },
  { key: '⏎', label: 'open' },
  { key: 'p', label: 'pause' },
  { key: 'c', label: 'clear' },
  { key: '/', label: 'filter' },
  { key: 'e', label: 'env file' },
];
const DETAIL_KEYS: KeyHint[] = [{ key: 'esc', label: 'back' }, { key: '↑↓', label: 'previous/next' }, { key: 'q', label: 'leave' }];
const FILTER_KEYS: KeyHint[] = [{ key: '⏎', label: 'keep filter' }, { key: 'esc', label: 'clear filter' }];

export function TrafficView({ view, header, size, onLeave, onWriteEnv, inputActive = true }: TrafficViewProps) {
  const { state, now, dispatch } = view;
  const traffic = state.traffic;
  // Screen state lives in a ref so that keys arriving together each see the previous key's result.
  const ui = useRef<TrafficUi>(INITIAL_UI);
  const [, rerender] = useState(0);
  const [notice, setNotice] = useState<{ text: string; colour: 'green' | 'red' } | undefined>(undefined);
  const { mode, filter, selectedId } = ui.current;

  const rows = useMemo(() => (filter === '' ? traffic.rows : traffic.rows.filter((r) => matchesFilter(r, filter))), [traffic.rows, filter]);
  const found = selectedId === undefined ? -1 : rows.findIndex((r) => r.id === selectedId);
  const selectedIndex = found >= 0 ? found : undefined;
  const selected = selectedIndex !== undefined ? rows[selectedIndex] : undefined;

  useKeys((input, key) => {
    const current = ui.current;
    const shown = current.filter === filter ? rows : traffic.rows.filter((r) => matchesFilter(r, current.filter));
    const { ui: next, effect } = trafficKey(current, input, key, shown.map((r) => r.id));
    if (next !== current) {
      ui.current = next;
      rerender((n) => n + 1);
    }
    // A message about the env file stays until the next key.
    if (notice && effect !== 'write-env') setNotice(undefined);
    if (effect === 'leave') onLeave();
    else if (effect === 'toggle-pause') dispatch({ type: 'toggle-pause' });
    else if (effect === 'clear') dispatch({ type: 'clear' });
    else if (effect === 'write-env') {
      setNotice({ text: 'writing the env file…', colour: 'green' });
      onWriteEnv().then(
        (text) => setNotice({ text, colour: 'green' }),
        (err: unknown) => setNotice({ text: `could not write the env file: ${(err as Error).message}`, colour: 'red' }),
      );
    }
  }, inputActive);

  const width = size.columns;
  const bodyHeight = Math.max(3, size.rows - 5);
  const tunnels = Object.values(traffic.tunnels);
  const lastWarning = traffic.warnings[traffic.warnings.length - 1];
  const status =
    mode === 'filter'
      ? { text: `/${filter}▏`, colour: 'cyan' as const }
      : traffic.paused
        ? { text: `paused · ${traffic.missedWhilePaused} new requests not shown · p to resume`, colour: 'yellow' as const }
        : notice
          ? notice
          : filter
            ? { text: `filter: ${filter} (${rows.length} of ${traffic.rows.length})`, colour: 'cyan' as const }
            : lastWarning && now - lastWarning.at < 30_000
              ? { text: `warning: ${lastWarning.message}`, colour: 'yellow' as const }
              : { text: ' ', colour: 'green' as const };
  return (
    <Box flexDirection="column" width={width} height={size.rows}>
      <Header info={header} width={width} />
      <InterceptLine info={traffic.intercept?.info} health={healthOf(traffic, now)} activeTunnels={tunnels.filter((t) => t.state === 'active').length} tunnels={tunnels.length} width={width} />
      {mode === 'detail' && selected ? (
        <RequestDetail event={selected} width={width} height={bodyHeight} />
      ) : (
        <TrafficTable rows={rows} selectedIndex={selectedIndex} width={width} height={bodyHeight} emptyText={filter ? 'no request matches the filter' : 'waiting for requests…'} />
      )}
      <TotalsBar traffic={traffic} now={now} width={width} />
      <Text color={status.colour} wrap="truncate">{truncate(status.text, width)}</Text>
      <Footer hints={mode === 'detail' ? DETAIL_KEYS : mode === 'filter' ? FILTER_KEYS : TABLE_KEYS} width={width} />
    </Box>
  );
}
