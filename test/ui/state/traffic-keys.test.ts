import { describe, expect, it } from '@jest/globals';
import { INITIAL_UI, trafficKey, type TrafficUi } from '../../../ui/state/traffic-keys.js';

const NONE = { upArrow: false, downArrow: false, leftArrow: false, return: false, escape: false, backspace: false, delete: false, ctrl: false, meta: false };
const K = {
  up: { ...NONE, upArrow: true },
  down: { ...NONE, downArrow: true },
  enter: { ...NONE, return: true },
  esc: { ...NONE, escape: true, meta: true },
  backspace: { ...NONE, backspace: true },
  ctrl: { ...NONE, ctrl: true },
  none: NONE,
};
const IDS = ['a', 'b', 'c'];
const at = (over: Partial<TrafficUi>): TrafficUi => ({ ...INITIAL_UI, ...over });

describe('trafficKey', () => {
  it.each<[string, TrafficUi, string, typeof NONE, Partial<TrafficUi>, string | undefined]>([
    ['up from following selects the newest', at({}), '', K.up, { selectedId: 'c' }, undefined],
    ['down from following selects the newest too', at({}), '', K.down, { selectedId: 'c' }, undefined],
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
    ['e asks where to write the env file', at({}), 'e', K.none, { mode: 'env-path', envPath: 'orders.env' }, undefined],
    ['e offers the path written last', at({ envPath: 'a/b.env' }), 'e', K.none, { mode: 'env-path', envPath: 'a/b.env' }, undefined],
    ['typing the env path, q included', at({ mode: 'env-path', envPath: 'x.en' }), 'q', K.none, { envPath: 'x.enq' }, undefined],
    ['enter writes the env file there', at({ mode: 'env-path', envPath: 'x.env' }), '\r', K.enter, { mode: 'table' }, 'write-env'],
    ['enter on an empty path does nothing', at({ mode: 'env-path', envPath: ' ' }), '\r', K.enter, {}, undefined],
    ['esc writes nothing', at({ mode: 'env-path', envPath: 'x.env' }), '', K.esc, { mode: 'table' }, undefined],
    ['b in the detail shows the whole response body', at({ mode: 'detail', selectedId: 'b' }), 'b', K.none, { mode: 'body', scroll: 0 }, undefined],
    ['down scrolls the body', at({ mode: 'body', selectedId: 'b', scroll: 3 }), '', K.down, { scroll: 4 }, undefined],
    ['the body scrolls no further than its end', at({ mode: 'body', selectedId: 'b', scroll: 9 }), ' ', K.none, { scroll: 9 }, undefined],
    ['up stops at the top of the body', at({ mode: 'body', selectedId: 'b', scroll: 0 }), '', K.up, { scroll: 0 }, undefined],
    ['esc goes back from the body to the detail', at({ mode: 'body', selectedId: 'b', scroll: 4 }), '', K.esc, { mode: 'detail', scroll: 0 }, undefined],
    ['/ starts a filter', at({}), '/', K.none, { mode: 'filter' }, undefined],
    ['typing in the filter, q included', at({ mode: 'filter', filter: '/ap' }), 'q', K.none, { filter: '/apq' }, undefined],
    ['backspace in the filter', at({ mode: 'filter', filter: '/ap' }), '', K.backspace, { filter: '/a' }, undefined],
    ['enter keeps the filter', at({ mode: 'filter', filter: 'x' }), '\r', K.enter, { mode: 'table', filter: 'x' }, undefined],
    ['esc drops the filter', at({ mode: 'filter', filter: 'x' }), '', K.esc, { mode: 'table', filter: '' }, undefined],
    ['r replays the selected request', at({ selectedId: 'b' }), 'r', K.none, {}, 'replay'],
    ['r replays from the detail too', at({ mode: 'detail', selectedId: 'b' }), 'r', K.none, {}, 'replay'],
    ['r without a selection does nothing', at({}), 'r', K.none, {}, undefined],
    ['y shows the curl line and copies it', at({ selectedId: 'b' }), 'y', K.none, { mode: 'curl', back: 'table' }, 'copy-curl'],
    ['y from the detail goes back there', at({ mode: 'detail', selectedId: 'b' }), 'y', K.none, { mode: 'curl', back: 'detail' }, 'copy-curl'],
    ['esc leaves the curl line', at({ mode: 'curl', back: 'detail', selectedId: 'b' }), '', K.esc, { mode: 'detail' }, undefined],
    ['w writes the listed requests as HAR', at({}), 'w', K.none, {}, 'write-har'],
  ])('%s', (_what, ui, input, key, expected, effect) => {
    const r = trafficKey(ui, input, key, IDS, { envFile: 'orders.env', scrollMax: 9, pageLines: 5 });
    expect(r.ui).toEqual({ ...ui, ...expected });
    expect(r.effect).toBe(effect);
  });

  it('folds several keys in a row, each seeing the one before', () => {
    let ui = INITIAL_UI;
    for (const [input, key] of [['', K.up], ['', K.up], ['\r', K.enter]] as const) ui = trafficKey(ui, input, key, IDS).ui;
    expect(ui).toEqual({ mode: 'detail', filter: '', selectedId: 'b' });
  });
});
