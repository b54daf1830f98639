// Bundles a TypeScript entry of the benchmarks into one ESM file, the way the CLI bundles the UI:
// Ink inside it with the bounded measure cache, unless `inkOwnMeasureCache` asks for Ink as
// published (its cache keeps every string it measured).
import { join } from 'node:path';
import { build } from 'esbuild';
import { boundedInkMeasureText } from '../ink-measure-plugin.mjs';

export async function bundleEntry(root, entry, outfile, { inkOwnMeasureCache = false } = {}) {
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    jsx: 'automatic',
    ...(inkOwnMeasureCache
      ? { packages: 'external' }
      : {
          external: ['yoga-layout', 'react', 'react-reconciler', 'widest-line'],
          alias: { 'react-devtools-core': join(root, 'scripts/stubs/react-devtools-core.mjs') },
          plugins: [boundedInkMeasureText(root)],
        }),
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}
