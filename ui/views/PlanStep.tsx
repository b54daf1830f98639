// Screen 5: what confirming will change in the cluster; Enter starts, Esc goes back.
import { Box, Text } from 'ink';
import { Footer } from '../components/Footer.js';
import { useKeys } from '../hooks/use-keys.js';
import { planLines, type SetupChoice } from '../render/setup.js';

export function PlanStep({ choice, width, onConfirm, onBack, inputActive = true }: { choice: SetupChoice; width: number; onConfirm: () => void; onBack: () => void; inputActive?: boolean }) {
  useKeys((input, key) => {
    if (key.return) onConfirm();
    else if (key.escape || (key.ctrl && input === 'c')) onBack();
  }, inputActive);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>This will change the cluster:</Text>
      {planLines(choice).map((l, i) => (
        <Text key={i} wrap="wrap">• {l}</Text>
      ))}
      <Text> </Text>
      <Footer hints={[{ key: '⏎', label: 'start the intercept' }, { key: 'esc', label: 'back' }]} width={width} />
    </Box>
  );
}
