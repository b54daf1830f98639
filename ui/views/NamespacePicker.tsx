// Tab in the workload picker: which namespace to list, or all of them. The namespaces the user may
// list are offered with type-to-filter; a name typed that is not offered is taken as typed, since a
// user allowed into one namespace is often not allowed to list the others.
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { describeError } from '../../plugin/errors.js';
import { Footer } from '../components/Footer.js';
import { useKeys } from '../hooks/use-keys.js';
import { truncate } from '../render/format.js';
import { visibleWindow } from '../render/rows.js';

export const ALL_NAMESPACES = '(all namespaces)';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface NamespacePickerProps {
  /** The namespace listed now; undefined for all. */
  current: string | undefined;
  listNamespaces: () => Promise<string[]>;
  /** undefined: all namespaces. */
  onPick: (namespace: string | undefined) => void;
  onBack: () => void;
  width: number;
  height: number;
  inputActive?: boolean;
}

export function NamespacePicker({ current, listNamespaces, onPick, onBack, width, height, inputActive = true }: NamespacePickerProps) {
  const [names, setNames] = useState<string[] | undefined>(undefined);
  const [error, setError] = useState('');
  const [filter, setFilter] = useState('');
  const [index, setIndex] = useState(0);
  useEffect(() => {
    let live = true;
    listNamespaces().then(
      (list) => live && setNames(list),
      (err: unknown) => {
        if (!live) return;
        setNames([]);
        setError(`cannot list namespaces (${describeError(err).message}): type one`);
      },
    );
    return () => {
      live = false;
    };
  }, [listNamespaces]);
  const shown = [ALL_NAMESPACES, ...(names ?? [])].filter((n) => filter === '' || n.includes(filter));
  const selected = Math.min(index, Math.max(0, shown.length - 1));
  const typed = filter !== '' && !shown.includes(filter) && DNS_LABEL.test(filter) ? filter : undefined;
  useKeys((input, key) => {
    if (key.escape) return filter ? setFilter('') : onBack();
    if (key.ctrl && input === 'c') return onBack();
    if (key.upArrow) return setIndex(Math.max(0, selected - 1));
    if (key.downArrow) return setIndex(Math.min(shown.length - 1, selected + 1));
    if (key.backspace || key.delete) return setFilter((f) => f.slice(0, -1));
    if (key.return) {
      const pick = shown[selected] ?? typed;
      if (pick !== undefined) onPick(pick === ALL_NAMESPACES ? undefined : pick);
      return;
    }
    if (input && !key.ctrl && !key.meta && /^[a-z0-9-]+$/i.test(input)) {
      setFilter((f) => f + input.toLowerCase());
      setIndex(0);
    }
  }, inputActive);
  const listHeight = Math.max(1, height - 5);
  const { from, to } = visibleWindow(shown.length, listHeight, selected);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>Namespace to list <Text dimColor>{filter ? `filter: ${filter}▏` : '(type to filter)'}</Text></Text>
      {error ? <Text color="yellow">{truncate(error, width)}</Text> : null}
      {!names ? <Text dimColor>listing namespaces…</Text> : null}
      <Box flexDirection="column" height={listHeight}>
        {shown.slice(from, to).map((n, i) => (
          <Text key={n} wrap="truncate" inverse={from + i === selected}>
            {from + i === selected ? '›' : ' '}{n}{(n === ALL_NAMESPACES ? current === undefined : n === current) ? ' (now)' : ''}
          </Text>
        ))}
      </Box>
      {shown.length === 0 && typed ? <Text dimColor>⏎ lists namespace {typed}</Text> : null}
      <Footer hints={[{ key: '⏎', label: 'list it' }, { key: '↑↓', label: 'move' }, { key: 'esc', label: filter ? 'clear filter' : 'back' }]} width={width} />
    </Box>
  );
}
