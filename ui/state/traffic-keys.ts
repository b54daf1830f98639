// The traffic view's keys as a pure step: (screen state, key, visible row ids) → new screen state
// and the effect to run. Keeping it out of React state lets several keys that arrive in one chunk
// (a paste, a held arrow while the loop is busy) each see the result of the one before.
import type { Key } from 'ink';

/** body: the opened request's response body alone, whole and scrollable; env-path: asking where to write the env file; curl: the request as a curl line. */
export type Mode = 'table' | 'detail' | 'body' | 'filter' | 'env-path' | 'curl';

export interface TrafficUi {
  mode: Mode;
  filter: string;
  /** Undefined: follow the newest request. */
  selectedId?: string;
  /** First line shown in the body view. */
  scroll?: number;
  /** The env file's path as typed (kept for the next `e`). */
  envPath?: string;
  /** Where the curl view goes back to. */
  back?: 'table' | 'detail';
}

/** What the keys need to know of the screen: the default env file, how far the body can scroll. */
export interface KeyContext {
  envFile?: string;
  scrollMax?: number;
  pageLines?: number;
}

export type KeyEffect = 'leave' | 'toggle-pause' | 'clear' | 'write-env' | 'replay' | 'copy-curl' | 'write-har' | undefined;

export const INITIAL_UI: TrafficUi = { mode: 'table', filter: '' };

type KeyFlags = Pick<Key, 'upArrow' | 'downArrow' | 'leftArrow' | 'return' | 'escape' | 'backspace' | 'delete' | 'ctrl' | 'meta'> & Partial<Pick<Key, 'pageUp' | 'pageDown'>>;

/** `ids` are the rows shown (filtered), oldest first. */
export function trafficKey(ui: TrafficUi, input: string, key: KeyFlags, ids: readonly string[], ctx: KeyContext = {}): { ui: TrafficUi; effect?: KeyEffect } {
  if (key.ctrl && input === 'c') return { ui, effect: 'leave' };
  if (ui.mode === 'filter') {
    if (key.return) return { ui: { ...ui, mode: 'table' } };
    if (key.escape) return { ui: { ...ui, mode: 'table', filter: '' } };
    if (key.backspace || key.delete) return { ui: { ...ui, filter: ui.filter.slice(0, -1) } };
    if (input && !key.ctrl && !key.meta) return { ui: { ...ui, filter: ui.filter + input } };
    return { ui };
  }
  if (ui.mode === 'env-path') {
    const path = ui.envPath ?? '';
    if (key.return) return path.trim() ? { ui: { ...ui, mode: 'table' }, effect: 'write-env' } : { ui };
    if (key.escape) return { ui: { ...ui, mode: 'table' } };
    if (key.backspace || key.delete) return { ui: { ...ui, envPath: path.slice(0, -1) } };
    if (input && !key.ctrl && !key.meta) return { ui: { ...ui, envPath: path + input } };
    return { ui };
  }
  if (input === 'q') return { ui, effect: 'leave' };
  if (ui.mode === 'curl') {
    if (key.escape || key.return || input === 'y' || key.leftArrow || key.backspace) return { ui: { ...ui, mode: ui.back ?? 'table' } };
    return { ui };
  }
  if (ui.mode === 'body') {
    const page = Math.max(1, ctx.pageLines ?? 10);
    const by = key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -page : key.pageDown || input === ' ' ? page : 0;
    if (by !== 0) return { ui: { ...ui, scroll: Math.max(0, Math.min(ctx.scrollMax ?? Infinity, (ui.scroll ?? 0) + by)) } };
    if (key.escape || key.return || key.leftArrow || key.backspace || input === 'b') return { ui: { ...ui, mode: 'detail', scroll: 0 } };
    return { ui };
  }
  const found = ui.selectedId === undefined ? -1 : ids.indexOf(ui.selectedId);
  const index = found >= 0 ? found : undefined;
  if (key.upArrow || key.downArrow) {
    if (ids.length === 0) return { ui };
    // Down from the live tail selects the newest row, as Up does; down past it follows again.
    if (key.downArrow && ui.mode === 'table' && index === undefined) return { ui: { ...ui, selectedId: ids[ids.length - 1] } };
    if (key.downArrow && ui.mode === 'table' && index === ids.length - 1) return { ui: { ...ui, selectedId: undefined } };
    const next = Math.min(ids.length - 1, Math.max(0, (index ?? ids.length) + (key.upArrow ? -1 : 1)));
    return { ui: { ...ui, selectedId: ids[next] } };
  }
  if (index !== undefined && input === 'r') return { ui, effect: 'replay' };
  if (index !== undefined && input === 'y') return { ui: { ...ui, mode: 'curl', back: ui.mode === 'detail' ? 'detail' : 'table' }, effect: 'copy-curl' };
  if (ui.mode === 'detail') {
    if (key.escape || key.return || key.leftArrow || key.backspace) return { ui: { ...ui, mode: 'table' } };
    if (input === 'b') return { ui: { ...ui, mode: 'body', scroll: 0 } };
    return { ui };
  }
  if (key.return) return index !== undefined ? { ui: { ...ui, mode: 'detail' } } : { ui };
  if (key.escape) return { ui: { ...ui, selectedId: undefined } };
  if (input === 'p') return { ui, effect: 'toggle-pause' };
  if (input === 'c') return { ui: { ...ui, selectedId: undefined }, effect: 'clear' };
  if (input === '/') return { ui: { ...ui, mode: 'filter' } };
  if (input === 'w') return { ui, effect: 'write-har' };
  if (input === 'e') return { ui: { ...ui, mode: 'env-path', envPath: ui.envPath ?? ctx.envFile ?? '.env' } };
  return { ui };
}
