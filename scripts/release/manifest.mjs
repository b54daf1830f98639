// Renders krew/intercept.yaml, the plugin manifest krew and krew-index read
// (apiVersion krew.googlecontainertools.github.com/v1alpha2; rules in shared/reference/toolchain.md).

export const HOMEPAGE = 'https://github.com/kubectl-intercept/kubectl-intercept';
export const SHORT_DESCRIPTION = "Send a workload's traffic to your local process";

/** Wrapped at 80 columns, no examples (krew-index asks for both). */
export const DESCRIPTION = `Intercepts a Deployment or StatefulSet: the traffic its Service receives goes
to a process on your machine instead, with the workload's environment, while
the rest of the cluster keeps running. Leave the intercept and the workload is
exactly as it was. Comes with a local playground cluster to try it out.`;

/** Where a release's archives live: GitHub releases of the project, by tag. */
export function releaseUrl(version, archiveName, base = `${HOMEPAGE}/releases/download`) {
  return `${base}/v${version}/${archiveName}`;
}

/** platforms: [{ os, arch, uri, sha256, bin }] in the manifest's order. */
export function renderManifest({ version, platforms }) {
  if (SHORT_DESCRIPTION.length > 50) throw new Error('shortDescription must be at most 50 characters');
  const lines = [
    'apiVersion: krew.googlecontainertools.github.com/v1alpha2',
    'kind: Plugin',
    'metadata:',
    '  name: intercept',
    'spec:',
    `  version: v${version}`,
    `  homepage: ${HOMEPAGE}`,
    `  shortDescription: "${SHORT_DESCRIPTION}"`,
    '  description: |',
    ...DESCRIPTION.split('\n').map((l) => `    ${l}`),
    '  platforms:',
  ];
  for (const p of platforms) {
    lines.push(
      '  - selector:',
      '      matchLabels:',
      `        os: ${p.os}`,
      `        arch: ${p.arch}`,
      `    uri: ${p.uri}`,
      `    sha256: "${p.sha256}"`,
      `    bin: ${p.bin}`,
    );
  }
  return lines.join('\n') + '\n';
}
