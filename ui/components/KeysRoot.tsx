// One input listener for the whole app: the screen being rendered registers its key handler
// during render (useKeys), so no key is lost between one screen's frame and its effects.
import { useInput } from 'ink';
import { useRef, type ReactNode } from 'react';
import { deliverKeys, KeysContext, type KeyHandler } from '../hooks/use-keys.js';

export function KeysRoot({ children, isActive = true }: { children: ReactNode; isActive?: boolean }) {
  const handler = useRef<KeyHandler | undefined>(undefined);
  useInput((input, key) => deliverKeys(handler.current, input, key), { isActive });
  return <KeysContext.Provider value={handler}>{children}</KeysContext.Provider>;
}
