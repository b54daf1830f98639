// Preloaded (--import) into the pkg process by scripts/build-binary.mjs: the binary build is offline
// but for npm, so any download pkg attempts (nodejs.org, GitHub) fails loudly instead of quietly
// working on a machine that happens to have the network.
import http from 'node:http';
import https from 'node:https';

function refuse(what) {
  throw new Error(
    `build-binary: pkg tried to download ${what}. The Node binaries come from npm packages seeded ` +
      "into pkg's cache; if @yao-pkg/pkg was upgraded, its cache layout may have changed " +
      '(see scripts/binary/node-binaries.mjs).',
  );
}

globalThis.fetch = async (input) => refuse(String(input?.url ?? input));
for (const mod of [http, https]) {
  mod.request = (options) => refuse(String(options?.href ?? options?.host ?? options));
  mod.get = mod.request;
}
