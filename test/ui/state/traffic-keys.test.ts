import { describe, expect, it } from '@jest/globals';
import { INITIAL_UI, trafficKey, type TrafficUi } from '../../../ui/state/traffic-keys.js';

const NONE = { upArrow: false, downArrow: false, leftArrow: false, return: false, escape: false, backspace: false, delete: false, ctrl: false, meta: false };
const K = {
  up: { ...NONE, upArrow: true },
  down: { ...NONE, downArrow: true },
  enter: { ...NONE, return: true },
  esc: { ...NONE, escape: true, meta: true },
  backspace: { ...NONE, backspace: true },
  tab: { ...NONE, tab: true },
  pageDown: { ...NONE, pageDown: true },
  pageUp: { ...NONE, pageUp: true },
  ctrl: { ...NONE, ctrl: true },
  none: NONE,
};
const IDS = ['a', 'b', 'c'];
const at = (over: Partial<TrafficUi>): TrafficUi => ({ ...INITIAL_UI, ...over });

describe('trafficKey', () => {
  it.each<[string, TrafficUi, string, typeof NONE, Partial<TrafficUi>, string | undefined]>([
    ['up from following selects the newest', at({}), '', K.up, { selectedId: 'c' }, undefined],
    ['up moves to older', at({ selectedId: 'c' }), '', K.up, { selectedId: 'b' }, undefined],
    ['up stops at the oldest', at({ selectedId: 'a' }), '', K.up, { selectedId: 'a' }, undefined],
    ['down past the newest follows again', at({ selectedId: 'c' }), '', K.down, { selectedId: undefined }, undefined],
    ['down in the detail stays on the newest', at({ mode: 'detail', selectedId: 'c' }), '', K.down, { selectedId: 'c', mode: 'detail' }, undefined],
    ['enter opens the selected request', at({ selectedId: 'b' }), '\r', K.enter, { mode: 'detail' }, undefined],
    ['enter without a selection does nothing', at({}), '\r', K.enter, { mode: 'table' }, undefined],
    ['a selection that scrolled away is no selection', at({ selectedId: 'gone' }), '\r', K.enter, { mode: 'table' }, undefined],
    ['esc leaves the detail', at({ mode: 'detail', selectedId: 'b' }), '', K.esc, { mode: 'table', selectedId: 'b' }, undefined],
    ['esc in the table follows again', at({ selectedId: 'b' }), '', K.esc, { selectedId: undefined }, undefined],
    ['q leaves', at({}), 'q', K.none, {}, 'leave'],
    ['q leaves from the detail too', at({ mode: 'detail', selectedId: 'a' }), 'q', K.none, {}, 'leave'],
    ['Ctrl-C leaves even while filtering', at({ mode: 'filter' }), 'c', K.ctrl, {}, 'leave'],
    ['p pauses or resumes', at({}), 'p', K.none, {}, 'toggle-pause'],
    ['c clears and follows', at({ selectedId: 'a' }), 'c', K.none, { selectedId: undefined }, 'clear'],
    ['e asks where to write the env file', at({}), 'e', K.none, { mode: 'env', envPath: 'orders.env' }, undefined],
    ['e proposes what was typed last time', at({ envPath: 'x.env' }), 'e', K.none, { mode: 'env', envPath: 'x.env' }, undefined],
    ['typing the env path', at({ mode: 'env', envPath: 'a.env' }), 'q', K.none, { envPath: 'a.envq' }, undefined],
    ['backspace in the env path', at({ mode: 'env', envPath: 'a.env' }), '', K.backspace, { envPath: 'a.en' }, undefined],
    ['enter writes the env file there', at({ mode: 'env', envPath: 'a.env' }), '\r', K.enter, { mode: 'table' }, 'write-env'],
    ['enter on an empty path does nothing', at({ mode: 'env', envPath: ' ' }), '\r', K.enter, {}, undefined],
    ['esc does not write it', at({ mode: 'env', envPath: 'a.env' }), '', K.esc, { mode: 'table' }, undefined],
    ['down from following selects the newest', at({}), '', K.down, { selectedId: 'c' }, undefined],
    ['r replays the selected request', at({ selectedId: 'b' }), 'r', K.none, {}, 'replay'],
    ['r replays from the detail too', at({ mode: 'detail', selectedId: 'b' }), 'r', K.none, {}, 'replay'],
    ['r without a selection does nothing', at({}), 'r', K.none, {}, undefined],
    ['y shows the curl line and copies it', at({ selectedId: 'b' }), 'y', K.none, { mode: 'curl', back: 'table' }, 'copy-curl'],
    ['y from the detail goes back there', at({ mode: 'detail', selectedId: 'b' }), 'y', K.none, { mode: 'curl', back: 'detail' }, 'copy-curl'],
    ['esc leaves the curl line', at({ mode: 'curl', back: 'detail', selectedId: 'b' }), '', K.esc, { mode: 'detail' }, undefined],
    ['w writes the listed requests as HAR', at({}), 'w', K.none, {}, 'write-har'],
    ['b in the detail shows the response body whole', at({ mode: 'detail', selectedId: 'b' }), 'b', K.none, { mode: 'body', bodySide: 'response', scroll: 0 }, undefined],
    ['down scrolls the body', at({ mode: 'body', selectedId: 'b', scroll: 2 }), '', K.down, { scroll: 3 }, undefined],
    ['up stops at its top', at({ mode: 'body', selectedId: 'b', scroll: 0 }), '', K.up, { scroll: 0 }, undefined],
    ['page down', at({ mode: 'body', selectedId: 'b', scroll: 1 }), '', K.pageDown, { scroll: 11 }, undefined],
    ['page up', at({ mode: 'body', selectedId: 'b', scroll: 4 }), '', K.pageUp, { scroll: 0 }, undefined],
    ['tab shows the other body', at({ mode: 'body', selectedId: 'b', bodySide: 'response', scroll: 5 }), '', K.tab, { bodySide: 'request', scroll: 0 }, undefined],
    ['esc goes back to the detail', at({ mode: 'body', selectedId: 'b' }), '', K.esc, { mode: 'detail' }, undefined],
    ['/ starts a filter', at({}), '/', K.none, { mode: 'filter' }, undefined],
    ['typing in the filter, q included', at({ mode: 'filter', filter: '/ap' }), 'q', K.none, { filter: '/apq' }, undefined],
    ['backspace in the filter', at({ mode: 'filter', filter: '/ap' }), '', K.backspace, { filter: '/a' }, undefined],
    ['enter keeps the filter', at({ mode: 'filter', filter: 'x' }), '\r', K.enter, { mode: 'table', filter: 'x' }, undefined],
    ['esc drops the filter', at({ mode: 'filter', filter: 'x' }), '', K.esc, { mode: 'table', filter: '' }, undefined],
  ])('%s', (_what, ui, input, key, expected, effect) => {
    const r = trafficKey(ui, input, key, IDS, { envFile: 'orders.env' });
    expect(r.ui).toEqual({ ...ui, ...expected });
    expect(r.effect).toBe(effect);
  });

  it('folds several keys in a row, each seeing the one before', () => {
    let ui = INITIAL_UI;
    for (const [input, key] of [['', K.up], ['', K.up], ['\r', K.enter]] as const) ui = trafficKey(ui, input, key, IDS).ui;
    expect(ui).toEqual({ mode: 'detail', filter: '', selectedId: 'b' });
  });
});
