// The one harness for TUI tests: renders at a fixed terminal size, waits for content with a
// deadline (a failing wait says what the screen showed), and types keys with small pauses so
// Ink's input handler sees them one at a time.
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  tab: '\t',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  escape: '\u001B',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

export const SIZE_80x24 = { columns: 80, rows: 24 };

export type Rendered = ReturnType<typeof render> & { screen: () => string };

import { sleep, stripAnsi } from './wait.js';

export { sleep, stripAnsi, waitUntil } from './wait.js';

/** Renders the tree; `screen()` is the last frame without colours. */
export function renderTui(tree: ReactElement): Rendered {
  const r = render(tree);
  return Object.assign(r, { screen: () => stripAnsi(r.lastFrame() ?? '') });
}


/** Waits until the screen contains `text` (or satisfies the predicate); throws after `timeoutMs`. */
export async function waitForScreen(r: Rendered, expected: string | RegExp | ((screen: string) => boolean), timeoutMs = 10_000): Promise<string> {
  const test = typeof expected === 'function' ? expected : typeof expected === 'string' ? (s: string) => s.includes(expected) : (s: string) => expected.test(s);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = r.screen();
    if (test(screen)) return screen;
    if (Date.now() > deadline) {
      throw new Error(`the screen did not show ${typeof expected === 'function' ? 'the expected content' : JSON.stringify(String(expected))} within ${timeoutMs} ms; it showed:\n${screen}`);
    }
    await sleep(15);
  }
}

/**
 * Types each key with a pause, so every one is a separate input event. It also waits before the
 * first: a screen that just appeared attaches its key handler in an effect after its first frame.
 */
export async function press(r: Rendered, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    await sleep(40);
    r.stdin.write(k);
  }
  await sleep(40);
}
