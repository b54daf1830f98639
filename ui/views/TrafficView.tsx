// Screen 7, the live traffic view while the intercept holds: header, intercept state, the request
// table (or one request opened, its body whole, its curl line), totals with a rate sparkline and
// latency percentiles, and the keys that act on them (replay, copy as curl, write HAR, env file).
import { Box, Text, useStdout } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { curlCommand, osc52 } from '../../plugin/har/curl.js';
import { requestOfEvent, sendReplay } from '../../plugin/har/replay.js';
import { Footer, type KeyHint } from '../components/Footer.js';
import { Header, type HeaderInfo } from '../components/Header.js';
import { InterceptLine } from '../components/InterceptLine.js';
import { RequestDetail } from '../components/RequestDetail.js';
import { ResponseBody, responseBodyLayout } from '../components/ResponseBody.js';
import { TextPanel } from '../components/TextPanel.js';
import { TotalsBar } from '../components/TotalsBar.js';
import { TrafficTable } from '../components/TrafficTable.js';
import type { EngineView } from '../hooks/use-engine.js';
import { useKeys } from '../hooks/use-keys.js';
import type { ScreenSize } from '../hooks/use-screen-size.js';
import { truncate } from '../render/format.js';
import { matchesFilter } from '../render/rows.js';
import { replayRow } from '../state/replay-row.js';
import { healthOf, type TrafficRow } from '../state/traffic.js';
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
  /** Writes the rows listed as a HAR file (`w`); resolves with what to tell the user. */
  onWriteHar?: (rows: TrafficRow[]) => Promise<string>;
  /** Where OSC 52 goes (the terminal); the process's stdout by default. */
  writeTerminal?: (data: string) => void;
  inputActive?: boolean;
}

const TABLE_KEYS: KeyHint[] = [
  { key: 'q', label: 'leave' },
  { key: '↑↓', label: 'select' },
  { key: '⏎', label: 'open' },
  { key: 'p', label: 'pause' },
  { key: 'c', label: 'clear' },
  { key: '/', label: 'filter' },
  { key: 'r', label: 'replay' },
  { key: 'y', label: 'curl' },
  { key: 'w', label: 'write HAR' },
  { key: 'e', label: 'env file' },
];
const DETAIL_KEYS: KeyHint[] = [{ key: 'esc', label: 'back' }, { key: '↑↓', label: 'previous/next' }, { key: 'b', label: 'whole response body' }, { key: 'r', label: 'replay' }, { key: 'y', label: 'curl' }, { key: 'q', label: 'leave' }];
const CURL_KEYS: KeyHint[] = [{ key: 'esc', label: 'back' }];
const BODY_KEYS: KeyHint[] = [{ key: '↑↓', label: 'scroll' }, { key: 'space', label: 'page' }, { key: 'esc', label: 'back' }, { key: 'q', label: 'leave' }];
const ENV_PATH_KEYS: KeyHint[] = [{ key: '⏎', label: 'write (owner-only: it holds the container\'s secrets)' }, { key: 'esc', label: 'cancel' }];
const FILTER_KEYS: KeyHint[] = [{ key: '⏎', label: 'keep filter' }, { key: 'esc', label: 'clear filter' }, { key: 'status:5xx method:POST', label: 'fields' }];

export function TrafficView({ view, header, size, onLeave, envFile, onWriteEnv, onWriteHar, writeTerminal, inputActive = true }: TrafficViewProps) {
  const { state, now, dispatch } = view;
  const traffic = state.traffic;
  const { stdout } = useStdout();
  const [curl, setCurl] = useState('');
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
  const localTarget = traffic.intercept?.info.localTarget;

  /** Runs a key's work, telling the user while it runs and how it ended. */
  const announce = (busy: string, work: Promise<string>, failed: string) => {
    setNotice({ text: busy, colour: 'green' });
    work.then(
      (text) => setNotice({ text, colour: 'green' }),
      (err: unknown) => setNotice({ text: `${failed}: ${(err as Error).message}`, colour: 'red' }),
    );
  };

  const replay = (row: TrafficRow) => {
    const req = requestOfEvent(row);
    if (!req) return setNotice({ text: `a ${row.protocol.toUpperCase()} connection cannot be replayed: only HTTP requests`, colour: 'yellow' });
    if (!localTarget) return setNotice({ text: 'nowhere to replay to yet: the intercept has not started', colour: 'yellow' });
    const start = Date.now();
    const what = `${req.method} ${req.target}`;
    announce(`replaying ${what} to ${localTarget.host}:${localTarget.port}…`, sendReplay(req, localTarget).then(
      (answer) => {
        dispatch({ type: 'replayed', row: replayRow(row, answer, start) });
        return `replayed ${what}: ${answer.status} (was ${row.status ?? 'none'}); its row is marked ↻ replay`;
      },
      (err: Error) => {
        dispatch({ type: 'replayed', row: replayRow(row, { error: err.message }, start) });
        throw err;
      },
    ), `could not replay ${what}`);
  };

  const copyCurl = (row: TrafficRow) => {
    // Shown on the screen: masked, even when the rows keep credentials for a --har-unmasked file.
    const req = requestOfEvent(row, false);
    if (!req || !localTarget) {
      setCurl('');
      return setNotice({ text: !req ? 'only HTTP requests have a curl line' : 'no local target yet', colour: 'yellow' });
    }
    const line = curlCommand(req, localTarget);
    setCurl(line);
    (writeTerminal ?? ((d: string) => stdout.write(d)))(osc52(line));
    setNotice({ text: `copied to the clipboard (OSC 52); credentials are masked${req.body.length < req.recordedBodyBytes ? '; the body was cut when recorded' : ''}`, colour: 'green' });
  };

  useKeys((input, key) => {
    const current = ui.current;
    const shown = current.filter === filter ? rows : traffic.rows.filter((r) => matchesFilter(r, current.filter));
    const body = current.mode === 'body' && selected ? responseBodyLayout(selected, width, bodyHeight) : undefined;
    const { ui: next, effect } = trafficKey(current, input, key, shown.map((r) => r.id), { envFile, scrollMax: body?.scrollMax, pageLines: body?.page });
    if (next !== current) {
      ui.current = next;
      rerender((n) => n + 1);
    }
    const target = shown.find((r) => r.id === next.selectedId);
    // A message stays until the next key.
    if (notice && effect !== 'write-env') setNotice(undefined);
    if (effect === 'leave') onLeave();
    else if (effect === 'toggle-pause') dispatch({ type: 'toggle-pause' });
    else if (effect === 'clear') dispatch({ type: 'clear' });
    else if (effect === 'replay' && target) replay(target);
    else if (effect === 'copy-curl' && target) copyCurl(target);
    else if (effect === 'write-har' && onWriteHar) announce('writing the HAR file…', onWriteHar(shown.filter((r) => !r.replayOf)), 'could not write the HAR file');
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
        <RequestDetail {...withReplay(selected, traffic.rows)} width={width} height={bodyHeight} />
      ) : mode === 'curl' ? (
        <TextPanel title="curl (to the local process)" lines={[curl || '(none)']} width={width} height={bodyHeight} wrap />
      ) : (
        <TrafficTable rows={rows} selectedIndex={selectedIndex} width={width} height={bodyHeight} emptyText={filter ? 'no request matches the filter' : 'waiting for requests…'} />
      )}
      <TotalsBar traffic={traffic} now={now} width={width} />
      <Text color={status.colour} wrap="truncate">{truncate(status.text, width)}</Text>
      <Footer hints={{ table: TABLE_KEYS, detail: DETAIL_KEYS, body: BODY_KEYS, filter: FILTER_KEYS, 'env-path': ENV_PATH_KEYS, curl: CURL_KEYS }[mode]} width={width} />
    </Box>
  );
}

/** What the detail shows: a replay beside the request it replays, a request beside its latest replay. */
function withReplay(selected: TrafficRow, all: readonly TrafficRow[]): { event: TrafficRow; second?: { title: string; event: TrafficRow } } {
  if (selected.replayOf) {
    const original = all.find((r) => r.id === selected.replayOf);
    return original ? { event: original, second: { title: 'replayed answer', event: selected } } : { event: selected };
  }
  const latest = all.findLast((r) => r.replayOf === selected.id);
  return latest ? { event: selected, second: { title: 'replayed answer', event: latest } } : { event: selected };
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
