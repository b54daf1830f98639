// A stand-in for Ink 6.8's build/measure-text.js: the same measurement, with a bounded cache. Ink's
// own cache keeps every string it ever measured, so a view of ever-new rows (the traffic table) grows the heap by ~65 kB/s at
// 1,000 requests/s. Swapped in at bundle time for `ink/build/measure-text.js` (an esbuild
// onResolve plugin, scripts/ink-measure-plugin.mjs; scripts/bench/tui.mjs --ink-own-measure-cache shows the difference).
import widestLine from 'widest-line';

const LIMIT = 2000;
const cache = new Map();

export default function measureText(text) {
  if (text.length === 0) return { width: 0, height: 0 };
  const cached = cache.get(text);
  if (cached) return cached;
  const dimensions = { width: widestLine(text), height: text.split('\n').length };
  if (cache.size >= LIMIT) cache.clear();
  cache.set(text, dimensions);
  return dimensions;
}
