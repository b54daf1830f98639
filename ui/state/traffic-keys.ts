// The traffic view's keys as a pure step: (screen state, key, visible row ids) → new screen state
// and the effect to run. Keeping it out of React state lets several keys that arrive in one chunk
// (a paste, a held arrow while the loop is busy) each see the result of the one before.
import type { Key } from 'ink';

/** table, one request opened, the `/` filter, a body seen whole, the curl line, where to write the env file. */
export type Mode = 'table' | 'detail' | 'filter' | 'body' | 'curl' | 'env';

export interface TrafficUi {
  mode: Mode;
  filter: string;
  /** Undefined: follow the newest request. */
  selectedId?: string;
  /** The body view: which body, and its first line shown. */
  bodySide?: 'request' | 'response';
  scroll?: number;
  /** Where the curl view goes back to. */
  back?: 'table' | 'detail';
  /** The env file's path as typed after `e`. */
  envPath?: string;
}

export type KeyEffect = 'leave' | 'toggle-pause' | 'clear' | 'write-env' | 'replay' | 'copy-curl' | 'write-har' | undefined;

export const INITIAL_UI: TrafficUi = { mode: 'table', filter: '' };

/** Lines PgUp/PgDn move the body view by. */
export const PAGE = 10;

type KeyFlags = Pick<Key, 'upArrow' | 'downArrow' | 'leftArrow' | 'return' | 'escape' | 'backspace' | 'delete' | 'ctrl' | 'meta'> & Partial<Pick<Key, 'pageUp' | 'pageDown' | 'tab'>>;

/** What the keys need besides the screen: the env file `e` proposes. */
export interface KeyContext {
  envFile?: string;
}

function textInput(value: string, input: string, key: KeyFlags): string | undefined {
  if (key.backspace || key.delete) return value.slice(0, -1);
  if (input && !key.ctrl && !key.meta && !key.tab) return value + input;
  return undefined;
}

/** `ids` are the rows shown (filtered), oldest first. */
export function trafficKey(ui: TrafficUi, input: string, key: KeyFlags, ids: readonly string[], ctx: KeyContext = {}): { ui: TrafficUi; effect?: KeyEffect } {
  if (key.ctrl && input === 'c') return { ui, effect: 'leave' };
  if (ui.mode === 'filter') {
    if (key.return) return { ui: { ...ui, mode: 'table' } };
    if (key.escape) return { ui: { ...ui, mode: 'table', filter: '' } };
    const filter = textInput(ui.filter, input, key);
    return { ui: filter === undefined ? ui : { ...ui, filter } };
  }
  if (ui.mode === 'env') {
    if (key.return) return (ui.envPath ?? '').trim() === '' ? { ui } : { ui: { ...ui, mode: 'table' }, effect: 'write-env' };
    if (key.escape) return { ui: { ...ui, mode: 'table' } };
    const envPath = textInput(ui.envPath ?? '', input, key);
    return { ui: envPath === undefined ? ui : { ...ui, envPath } };
  }
  if (ui.mode === 'curl') {
    if (key.escape || key.return || input === 'y' || key.leftArrow || key.backspace) return { ui: { ...ui, mode: ui.back ?? 'table' } };
    return input === 'q' ? { ui, effect: 'leave' } : { ui };
  }
  if (ui.mode === 'body') {
    const scroll = ui.scroll ?? 0;
    if (key.escape || key.return || key.leftArrow || key.backspace || input === 'b') return { ui: { ...ui, mode: 'detail' } };
    if (key.tab) return { ui: { ...ui, bodySide: ui.bodySide === 'request' ? 'response' : 'request', scroll: 0 } };
    // The view stops the scroll at the body's end; here only the start is known.
    if (key.upArrow) return { ui: { ...ui, scroll: Math.max(0, scroll - 1) } };
    if (key.downArrow) return { ui: { ...ui, scroll: scroll + 1 } };
    if (key.pageUp) return { ui: { ...ui, scroll: Math.max(0, scroll - PAGE) } };
    if (key.pageDown || input === ' ') return { ui: { ...ui, scroll: scroll + PAGE } };
    return input === 'q' ? { ui, effect: 'leave' } : { ui };
  }
  if (input === 'q') return { ui, effect: 'leave' };
  const found = ui.selectedId === undefined ? -1 : ids.indexOf(ui.selectedId);
  const index = found >= 0 ? found : undefined;
  if (key.upArrow || key.downArrow) {
    if (ids.length === 0) return { ui };
    // Down past the newest row in the table goes back to following new requests; from following,
    // Down (like Up) selects the newest.
    if (key.downArrow && ui.mode === 'table' && index === ids.length - 1) return { ui: { ...ui, selectedId: undefined } };
    const next = index === undefined ? ids.length - 1 : Math.min(ids.length - 1, Math.max(0, index + (key.upArrow ? -1 : 1)));
    return { ui: { ...ui, selectedId: ids[next] } };
  }
  if (index !== undefined && input === 'r') return { ui, effect: 'replay' };
  if (index !== undefined && input === 'y') return { ui: { ...ui, mode: 'curl', back: ui.mode === 'detail' ? 'detail' : 'table' }, effect: 'copy-curl' };
  if (ui.mode === 'detail') {
    if (key.escape || key.return || key.leftArrow || key.backspace) return { ui: { ...ui, mode: 'table' } };
    if (input === 'b') return { ui: { ...ui, mode: 'body', bodySide: 'response', scroll: 0 } };
    return { ui };
  }
  if (key.return) return index !== undefined ? { ui: { ...ui, mode: 'detail' } } : { ui };
  if (key.escape) return { ui: { ...ui, selectedId: undefined } };
  if (input === 'p') return { ui, effect: 'toggle-pause' };
  if (input === 'c') return { ui: { ...ui, selectedId: undefined }, effect: 'clear' };
  if (input === '/') return { ui: { ...ui, mode: 'filter' } };
  if (input === 'w') return { ui, effect: 'write-har' };
  if (input === 'e') return { ui: { ...ui, mode: 'env', envPath: ui.envPath ?? ctx.envFile ?? '' } };
  return { ui };
}
