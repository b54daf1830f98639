// Key hints on the last line: `key label` pairs, as many as fit the width.
import { Box, Text } from 'ink';

export interface KeyHint {
  key: string;
  label: string;
}

/** The hints that fit in `width` columns, in order. */
export function fittingHints(hints: KeyHint[], width: number): KeyHint[] {
  const out: KeyHint[] = [];
  let used = 0;
  for (const h of hints) {
    const w = h.key.length + h.label.length + (out.length > 0 ? 3 : 1);
    if (used + w > width) break;
    out.push(h);
    used += w;
  }
  return out;
}

export function Footer({ hints, width }: { hints: KeyHint[]; width: number }) {
  const shown = fittingHints(hints, width);
  return (
    <Box width={width}>
      {shown.map((h, i) => (
        <Text key={h.key}>
          {i > 0 ? '   ' : ''}
          <Text bold color="cyan">{h.key}</Text> <Text dimColor>{h.label}</Text>
        </Text>
      ))}
    </Box>
  );
}
