// Screen 4: which requests to intercept (all, or headers and/or a path), validated as you type
// with the agent's own rules, a one-line summary, and an optional env file path.
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { Match, PathMatch } from '../../plugin/protocol/matcher.js';
import { Footer } from '../components/Footer.js';
import { useKeys } from '../hooks/use-keys.js';
import { truncate } from '../render/format.js';
import { matchFromForm, matchSummary, type MatchForm } from '../render/setup.js';

export interface MatchStepProps {
  width: number;
  initial?: Partial<MatchForm> & { envFile?: string };
  onDone: (match: Match, envFile: string | undefined) => void;
  onBack: () => void;
  inputActive?: boolean;
}

const FIELDS = ['headers', 'path', 'envFile'] as const;
type Field = (typeof FIELDS)[number];
const KINDS: PathMatch['kind'][] = ['prefix', 'equal', 'regex'];

export function MatchStep({ width, initial = {}, onDone, onBack, inputActive = true }: MatchStepProps) {
  const [values, setValues] = useState<Record<Field, string>>({ headers: initial.headers ?? '', path: initial.path ?? '', envFile: initial.envFile ?? '' });
  const [pathKind, setPathKind] = useState<PathMatch['kind']>(initial.pathKind ?? 'prefix');
  const [field, setField] = useState<Field>('headers');
  const { match, error, warning } = matchFromForm({ headers: values.headers, path: values.path, pathKind });
  const edit = (f: (s: string) => string) => setValues((v) => ({ ...v, [field]: f(v[field]) }));
  useKeys((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) return onBack();
    if (key.upArrow || key.downArrow) return setField(FIELDS[(FIELDS.indexOf(field) + (key.upArrow ? FIELDS.length - 1 : 1)) % FIELDS.length]);
    if (key.tab && field === 'path') return setPathKind(KINDS[(KINDS.indexOf(pathKind) + 1) % KINDS.length]);
    if (key.return) return error ? undefined : onDone(match, values.envFile.trim() || undefined);
    if (key.backspace || key.delete) return edit((s) => s.slice(0, -1));
    if (input && !key.ctrl && !key.meta && !key.tab) edit((s) => s + input);
  }, inputActive);
  const row = (f: Field, label: string, hint: string) => (
    <Text wrap="truncate" inverse={field === f}>
      {field === f ? '›' : ' '}{label}: <Text bold>{values[f]}</Text>{field === f ? '▏' : ''} {values[f] ? '' : <Text dimColor>{hint}</Text>}
    </Text>
  );
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Which requests to intercept</Text>
      {row('headers', 'headers', 'none: e.g. x-dev=alice, or x-dev=~^al for a regex')}
      {row('path', `path (${pathKind}, tab to change)`, 'none: e.g. /api')}
      {row('envFile', 'env file', 'optional: where to write the container environment')}
      <Text> </Text>
      {error ? <Text color="red" wrap="truncate">{truncate(error, width)}</Text> : <Text color="green" wrap="truncate">{truncate(`intercepts ${matchSummary(match)}`, width)}</Text>}
      {warning ? <Text color="yellow" wrap="truncate">{truncate(`warning: ${warning}`, width)}</Text> : null}
      <Footer hints={[{ key: '⏎', label: 'next' }, { key: '↑↓', label: 'field' }, { key: 'tab', label: 'path kind' }, { key: 'esc', label: 'back' }]} width={width} />
    </Box>
  );
}
