// The image the agent runs on unless --agent-image says otherwise (DESIGN.md decision 2): the
// official Node.js image, whose code comes from a ConfigMap. The one place to change it.
// A floating tag means whatever Docker Hub serves that day (and a pull against its anonymous
// limits on every new node); pinned to the multi-arch index digest, every pod of every cluster
// runs the same bytes, and registries that allow only pinned references take it.

export const AGENT_IMAGE_TAG = 'node:22-alpine';

/**
 * The digest of AGENT_IMAGE_TAG's multi-arch index (the "Digest:" line at the top of `docker
 * buildx imagetools inspect node:22-alpine`, not one platform's manifest), so that amd64 and arm64
 * nodes each pull their own image. Unset: it must be read from the registry, which the machine
 * this was written on could not reach; a made-up digest would name bytes that do not exist.
 */
export const AGENT_IMAGE_DIGEST: string | undefined = undefined;

export const DEFAULT_AGENT_IMAGE = AGENT_IMAGE_DIGEST ? `${AGENT_IMAGE_TAG}@${AGENT_IMAGE_DIGEST}` : AGENT_IMAGE_TAG;
