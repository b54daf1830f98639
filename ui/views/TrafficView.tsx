// Screen 7, the live traffic view while the intercept holds: header, intercept state, the request
// table (or one request opened), totals with a rate sparkline, and the keys that act on them.
import { Box, Text } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { Footer, type KeyHint } from '../components/Footer.js';
import { Header, type HeaderInfo } from '../components/Header.js';
import { InterceptLine } from '../components/InterceptLine.js';
import { RequestDetail } from '../components/RequestDetail.js';
import { ResponseBody, responseBodyLayout } from '../components/ResponseBody.js';
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
  /** Where `e` offers to write the env file. */
  envFile?: string;
  /** Writes the env file to the path the user chose; resolves with what to tell the user. */
  onWriteEnv: (path: string) => Promise<string>;
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
const DETAIL_KEYS: KeyHint[] = [{ key: 'esc', label: 'back' }, { key: '↑↓', label: 'previous/next' }, { key: 'b', label: 'whole response body' }, { key: 'q', label: 'leave' }];
const BODY_KEYS: KeyHint[] = [{ key: '↑↓', label: 'scroll' }, { key: 'space', label: 'page' }, { key: 'esc', label: 'back' }, { key: 'q', label: 'leave' }];
const ENV_PATH_KEYS: KeyHint[] = [{ key: '⏎', label: 'write (owner-only: it holds the container\'s secrets)' }, { key: 'esc', label: 'cancel' }];
const FILTER_KEYS: KeyHint[] = [{ key: '⏎', label: 'keep filter' }, { key: 'esc', label: 'clear filter' }];

export function TrafficView({ view, header, size, onLeave, envFile, onWriteEnv, inputActive = true }: TrafficViewProps) {
  const { state, now, dispatch } = view;
  const traffic = state.traffic;
  // Screen state lives in a ref so that keys arriving together each see the previous key's result.
  const ui = useRef<TrafficUi>(INITIAL_UI);
  const [, rerender] = useState(0);
  const [notice, setNotice] = useState<Status | undefined>(undefined);
  const { mode, filter, selectedId } = ui.current;
  const width = size.columns;
  const bodyHeight = Math.max(3, size.rows - 5);

  const rows = useMemo(() => (filter === '' ? traffic.rows : traffic.rows.filter((r) => matchesFilter(r, filter))), [traffic.rows, filter]);
  const found = selectedId === undefined ? -1 : rows.findIndex((r) => r.id === selectedId);
  const selectedIndex = found >= 0 ? found : undefined;
  const selected = selectedIndex !== undefined ? rows[selectedIndex] : undefined;

  useKeys((input, key) => {
    const current = ui.current;
    const shown = current.filter === filter ? rows : traffic.rows.filter((r) => matchesFilter(r, current.filter));
    const body = current.mode === 'body' && selected ? responseBodyLayout(selected, width, bodyHeight) : undefined;
    const { ui: next, effect } = trafficKey(current, input, key, shown.map((r) => r.id), { envFile, scrollMax: body?.scrollMax, pageLines: body?.page });
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
      onWriteEnv(next.envPath ?? envFile ?? '.env').then(
        (text) => setNotice({ text, colour: 'green' }),
        (err: unknown) => setNotice({ text: `could not write the env file: ${(err as Error).message}`, colour: 'red' }),
      );
    }
  }, inputActive);

  const tunnels = Object.values(traffic.tunnels);
  const status = statusLine({ ui: ui.current, traffic, notice, shown: rows.length, now, width });
  return (
    <Box flexDirection="column" width={width} height={size.rows}>
      <Header info={header} width={width} />
      <InterceptLine info={traffic.intercept?.info} health={healthOf(traffic, now)} activeTunnels={tunnels.filter((t) => t.state === 'active').length} tunnels={tunnels.length} width={width} />
      {mode === 'body' && selected ? (
        <ResponseBody event={selected} width={width} height={bodyHeight} scroll={ui.current.scroll ?? 0} />
      ) : mode === 'detail' && selected ? (
        <RequestDetail event={selected} width={width} height={bodyHeight} />
      ) : (
        <TrafficTable rows={rows} selectedIndex={selectedIndex} width={width} height={bodyHeight} emptyText={filter ? 'no request matches the filter' : 'waiting for requests…'} />
      )}
      <TotalsBar traffic={traffic} now={now} width={width} />
      <Text color={status.colour} wrap="truncate">{truncate(status.text, width)}</Text>
      <Footer hints={{ table: TABLE_KEYS, detail: DETAIL_KEYS, body: BODY_KEYS, filter: FILTER_KEYS, 'env-path': ENV_PATH_KEYS }[mode]} width={width} />
    </Box>
  );
}

type Status = { text: string; colour: 'green' | 'red' | 'yellow' | 'cyan' };

/** The line above the keys: what is being typed, else pause, a notice, the filter or a recent warning. */
function statusLine({ ui, traffic, notice, shown, now, width }: { ui: TrafficUi; traffic: EngineView['state']['traffic']; notice?: Status; shown: number; now: number; width: number }): Status {
  if (ui.mode === 'filter') return { text: `/${ui.filter}▏`, colour: 'cyan' };
  if (ui.mode === 'env-path') {
    // What is being typed is at the end: a long path loses its start, never the cursor.
    const text = `write the env file to: ${ui.envPath ?? ''}▏`;
    return { text: text.length > width ? '…' + text.slice(text.length - width + 1) : text, colour: 'cyan' };
  }
  if (traffic.paused) return { text: `paused · ${traffic.missedWhilePaused} new requests not shown · p to resume`, colour: 'yellow' };
  if (notice) return notice;
  if (ui.filter) return { text: `filter: ${ui.filter} (${shown} of ${traffic.rows.length})`, colour: 'cyan' };
  const lastWarning = traffic.warnings[traffic.warnings.length - 1];
  if (lastWarning && now - lastWarning.at < 30_000) return { text: `warning: ${lastWarning.message}`, colour: 'yellow' };
  return { text: ' ', colour: 'green' };
}
