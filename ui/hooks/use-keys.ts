// useInput with two fixes for real terminals:
// - it always calls the handler of the latest render. Ink re-registers a changed handler in a
//   passive effect, after the frame is written: a key typed right after a screen changes would
//   otherwise reach the previous screen's handler, or none. Under a KeysRoot (the App) one input
//   listener lives for the whole session and the screen being rendered takes the keys at once.
// - Ink delivers plain characters that arrive together as one input (a paste, a held key while
//   the loop is busy): backspaces inside such a chunk are split out so each one deletes.
import { useInput, type Key } from 'ink';
import { createContext, useContext, useRef } from 'react';

export type KeyHandler = (input: string, key: Key) => void;

const BACKSPACE = /([\u007f\b])/;

/** Splits a chunk into text runs and single backspaces, in order. */
export function splitBackspaces(input: string): string[] {
  return input.split(BACKSPACE).filter((p) => p !== '');
}

/** The handler of the screen rendered last, set during render (see KeysRoot). */
export const KeysContext = createContext<{ current: KeyHandler | undefined } | undefined>(undefined);

/** Calls the handler with the input, backspaces in a chunk split out one by one. */
export function deliverKeys(handler: KeyHandler | undefined, input: string, key: Key): void {
  if (!handler) return;
  if (input.length > 1 && BACKSPACE.test(input) && !key.ctrl && !key.meta) {
    for (const part of splitBackspaces(input)) {
      if (BACKSPACE.test(part)) handler('', { ...key, backspace: true, delete: false });
      else handler(part, key);
    }
    return;
  }
  handler(input, key);
}

export function useKeys(handler: KeyHandler, isActive = true): void {
  const root = useContext(KeysContext);
  const latest = useRef(handler);
  latest.current = handler;
  if (root && isActive) root.current = handler;
  useInput((input, key) => deliverKeys(latest.current, input, key), { isActive: isActive && !root });
}
