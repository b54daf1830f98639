// A one-line bar chart of recent request rates (one character per second), scaled to its maximum;
// an idle second is the lowest bar and any traffic at least the second lowest, so a trickle shows.

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** The last `width` values as bars; zero is the lowest bar, so an idle second is still visible. */
export function sparkline(values: number[], width: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown);
  const bars = shown.map((v) => (max === 0 || v <= 0 ? BARS[0] : BARS[Math.max(1, Math.min(7, Math.round((v / max) * 7)))]));
  return bars.join('').padStart(width, ' ');
}
