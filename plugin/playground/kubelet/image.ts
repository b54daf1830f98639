// The image-to-runtime table. The official Node.js image runs on this machine's Node.js, with the
// image's entrypoint semantics (docker-entrypoint.sh + CMD ["node"]); every other image fails to
// pull, as it would on a node without registry access.
import { createHash } from 'node:crypto';
import sea from 'node:sea';
import { parseImageReference, type ImageReference } from './image-reference.js';

/**
 * The official Node.js image, by tag or digest, from Docker Hub or a mirror: `node`,
 * `node:22-alpine`, `docker.io/library/node:22`, `node:22-alpine@sha256:...`,
 * `mirror.example/library/node:22`, `harbor.example/hub-proxy/library/node@sha256:...`.
 */
export function isNodeImage(image: string): boolean {
  let ref: ImageReference;
  try {
    ref = parseImageReference(image);
  } catch {
    return false;
  }
  if (ref.domain === 'docker.io') return ref.path === 'library/node';
  return ref.path === 'node' || ref.path === 'library/node' || ref.path.endsWith('/library/node');
}

/**
 * The reference containerd reports: fully qualified, `:latest` when neither tag nor digest is
 * given, and only the digest when both are (reference.ParseDockerRef drops the tag: the digest
 * decides what runs). A reference that does not parse is reported as given.
 */
export function normalizeImage(image: string): string {
  let ref: ImageReference;
  try {
    ref = parseImageReference(image);
  } catch {
    return image;
  }
  const name = `${ref.domain}/${ref.path}`;
  if (ref.digest) return `${name}@${ref.digest}`;
  return `${name}:${ref.tag ?? 'latest'}`;
}

/** The repo digest containerd reports: the one pinned, else a stable made-up one for the tag. */
export function imageID(image: string): string {
  const ref = normalizeImage(image);
  if (ref.includes('@')) return ref;
  const repo = ref.replace(/:[^/]*$/, '');
  return `${repo}@sha256:${createHash('sha256').update(ref).digest('hex')}`;
}

/**
 * The Node.js executable containers run on: this process's node, unless this process is the
 * single-binary build (its execPath is then kubectl-intercept itself) or PLAYGROUND_NODE says otherwise.
 */
export function nodeExecutable(): string {
  return process.env.PLAYGROUND_NODE || process.execPath;
}

/**
 * In the single binary process.execPath is kubectl-intercept itself, which behaves like node when
 * this variable is set (plugin/cli/node-shim.ts); it is inherited, so a shell's `node` works too.
 */
export function nodeModeEnv(): Record<string, string> {
  return !process.env.PLAYGROUND_NODE && sea.isSea() ? { KUBECTL_INTERCEPT_AS_NODE: '1' } : {};
}

const nodeNames = new Set(['node', '/usr/local/bin/node', '/usr/bin/node', 'nodejs']);
const shellNames = new Set(['sh', '/bin/sh', 'ash', '/bin/ash', 'bash', '/bin/bash']);
const entrypoints = new Set(['docker-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh']);

export type Launch =
  | { kind: 'node'; args: string[] }
  | { kind: 'shell'; argv: string[] }
  | { kind: 'missing'; executable: string };

/**
 * What to run for a container of the node image. Kubernetes semantics: command replaces the
 * image ENTRYPOINT, args replace its CMD. The entrypoint script prepends `node` when its first
 * argument is an option or not a command (`server.js`).
 */
export function resolveLaunch(command: readonly string[], args: readonly string[]): Launch {
  let argv = command.length > 0 ? [...command, ...args] : ['docker-entrypoint.sh', ...(args.length > 0 ? args : ['node'])];
  if (entrypoints.has(argv[0])) {
    const rest = argv.slice(1);
    const looksLikeCommand = rest.length > 0 && !rest[0].startsWith('-') && (nodeNames.has(rest[0]) || shellNames.has(rest[0]) || entrypoints.has(rest[0]));
    argv = looksLikeCommand ? rest : ['node', ...rest];
  }
  if (argv[0] === '/usr/bin/env' && argv.length > 1) argv = argv.slice(1);
  if (nodeNames.has(argv[0])) return { kind: 'node', args: argv.slice(1) };
  if (shellNames.has(argv[0])) return { kind: 'shell', argv: ['/bin/sh', ...argv.slice(1)] };
  return { kind: 'missing', executable: argv[0] };
}
