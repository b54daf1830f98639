// The esbuild plugin that bundles ui/vendor/ink-measure-text.mjs in place of Ink's own
// measure-text, whose cache keeps every string it ever measured (see that file). Shared by the
// CLI build and the TUI benchmark, so both measure the same thing.
import { join } from 'node:path';

export function boundedInkMeasureText(root) {
  return {
    name: 'bounded-ink-measure-text',
    setup(b) {
      b.onResolve({ filter: /measure-text\.js$/ }, (a) => (/[\\/]ink[\\/]/.test(a.importer) ? { path: join(root, 'ui/vendor/ink-measure-text.mjs') } : undefined));
    },
  };
}
