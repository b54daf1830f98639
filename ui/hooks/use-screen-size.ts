// The terminal's size, following resizes; a fixed size (tests, benchmarks) wins when given.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface ScreenSize {
  columns: number;
  rows: number;
}

export function useScreenSize(fixed?: ScreenSize): ScreenSize {
  const { stdout } = useStdout();
  const read = (): ScreenSize => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}
