// Image references as the kubelet reads them before it asks the runtime to pull
// (pkg/util/parsers ParseImageName -> github.com/distribution/reference ParseNormalizedNamed):
// the grammar of distribution/reference regexp.go, the normalisation of normalize.go
// (docker.io, library/), the checks of reference.go Parse (lowercase, 255 characters) and of
// opencontainers/go-digest (a known algorithm, its exact length in lowercase hex). A reference
// that fails is InvalidImageName (image_manager.go), never a pull.

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|\\[(?:[a-fA-F0-9:]+)\\])`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const referenceRegexp = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const identifier = /^[a-f0-9]{64}$/;

const NAME_TOTAL_LENGTH_MAX = 255;
/** go-digest's algorithms and their hex lengths (sha256, sha384, sha512 are linked into the kubelet). */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ImageReference {
  /** The registry, docker.io when none is named. */
  domain: string;
  /** The repository path, library/ added for docker.io's official images. */
  path: string;
  tag?: string;
  digest?: string;
}

export class InvalidReference extends Error {}

/** go-digest Digest.Validate. */
function validateDigest(d: string): void {
  const i = d.indexOf(':');
  if (i <= 0 || i + 1 === d.length) throw new InvalidReference('invalid checksum digest format');
  const algorithm = d.slice(0, i);
  const encoded = d.slice(i + 1);
  const size = DIGEST_HEX_LENGTH[algorithm];
  if (size === undefined) throw new InvalidReference('unsupported digest algorithm');
  if (encoded.length !== size) throw new InvalidReference('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(encoded)) throw new InvalidReference('invalid checksum digest format');
}

/** normalize.go splitDockerDomain. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i === -1 ? '' : name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = 'docker.io';
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  return { domain, remainder };
}

/** ParseNormalizedNamed: throws InvalidReference with distribution's own message. */
export function parseImageReference(s: string): ImageReference {
  if (identifier.test(s)) throw new InvalidReference(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  const { domain, remainder } = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) throw new InvalidReference(`invalid reference format: repository name (${remote}) must be lowercase`);
  const full = `${domain}/${remainder}`;
  const m = referenceRegexp.exec(full);
  if (!m) {
    if (full === '') throw new InvalidReference('repository name must have at least one component');
    if (referenceRegexp.test(full.toLowerCase())) throw new InvalidReference('invalid reference format: repository name must be lowercase');
    throw new InvalidReference('invalid reference format');
  }
  if (m[1].length > NAME_TOTAL_LENGTH_MAX) throw new InvalidReference(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  if (m[3]) validateDigest(m[3]);
  return { domain, path: m[1].slice(domain.length + 1), ...(m[2] ? { tag: m[2] } : {}), ...(m[3] ? { digest: m[3] } : {}) };
}

/** kubelet image_manager.go: what a reference that does not parse says, as the waiting message. */
export function invalidImageMessage(image: string, err: InvalidReference): string {
  return `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${err.message}`;
}
