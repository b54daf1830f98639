// Bundles the agent (dist/agent.js, Node standard library only) and the CLI (dist/kubectl-intercept,
// one executable ESM file with the agent embedded). The pkg binary build reuses these bundles.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { boundedInkMeasureText } from './ink-measure-plugin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
mkdirSync(dist, { recursive: true });

/** Node 20 runs the JS bundle; the pkg binary runs Node 22, so the bundles target the older one. */
export const nodeTarget = 'node20';

async function buildAgent() {
  const entry = join(root, 'plugin/agent/main.ts');
  if (!existsSync(entry)) return '';
  await build({
    entryPoints: [entry],
    outfile: join(dist, 'agent.js'),
    bundle: true,
    platform: 'node',
    target: nodeTarget,
    // CommonJS: a pod runs `node /path/agent.js` with no package.json beside it, and Node 20
    // treats such a file as CommonJS.
    format: 'cjs',
    minify: true,
    define: { __INTERCEPT_VERSION__: JSON.stringify(pkg.version) },
    legalComments: 'none',
    logLevel: 'warning',
  });
  return readFileSync(join(dist, 'agent.js'), 'utf8');
}

async function buildCli(agentCode) {
  const out = join(dist, 'kubectl-intercept');
  await build({
    entryPoints: [join(root, 'plugin/cli/bin.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: nodeTarget,
    format: 'esm',
    jsx: 'automatic',
    // Less to parse at every start; identifiers stay readable for the rare internal-error trace.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    // CommonJS dependencies call require(); ESM output has none unless it is made.
    banner: {
      js: [
        // `--` ends node's own options: Node 20 otherwise reads `--env-file` from anywhere on the
        // command line, including our `kubectl intercept ... --env-file F`.
        '#!/usr/bin/env -S node --',
        "import { createRequire as __interceptCreateRequire } from 'node:module';",
        'const require = __interceptCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    define: {
      __INTERCEPT_VERSION__: JSON.stringify(pkg.version),
      __AGENT_BUNDLE__: JSON.stringify(agentCode),
    },
    // Ink imports react-devtools-core only when DEV is set; the stub keeps the bundle self-contained.
    // tr46/whatwg-url require the `punycode` builtin, which Node 22 (the binary) warns about on
    // every start (DEP0040): bundle the userland package of the same API instead.
    // Ink's text-measuring cache keeps every string it saw: the traffic view's ever-new rows grow
    // it without end, so a bounded stand-in is bundled instead (see ui/vendor/ink-measure-text.mjs).
    plugins: [boundedInkMeasureText(root)],
    alias: {
      'react-devtools-core': join(root, 'scripts/stubs/react-devtools-core.mjs'),
      punycode: 'punycode/',
    },
  });
  chmodSync(out, 0o755);
  return out;
}

const agentCode = await buildAgent();
const out = await buildCli(agentCode);
writeFileSync(join(dist, 'VERSION'), pkg.version + '\n');
console.log(`built ${out}${agentCode ? ` and dist/agent.js (${agentCode.length} bytes)` : ''}`);
