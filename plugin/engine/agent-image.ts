// The image the agent runs on unless --agent-image says otherwise (DESIGN.md decision 2): the
// official Node.js image, whose code comes from a ConfigMap. The one place to change it.
// A floating tag means whatever Docker Hub serves that day (and a pull against its anonymous
// limits on every new node); pinned to the multi-arch index digest, every pod of every cluster
// runs the same bytes, and registries that allow only pinned references take it.

/** The release the digest below is: Node.js 22.22.1 on Alpine 3.23. */
export const AGENT_IMAGE_TAG = 'node:22.22.1-alpine3.23';

/**
 * The digest of AGENT_IMAGE_TAG's multi-arch index (the "Digest:" line at the top of `docker
 * buildx imagetools inspect node:22.22.1-alpine3.23`, not one platform's manifest), so that amd64
 * and arm64 nodes each pull their own image. The machine this was written on cannot reach a
 * registry; the digest is the one public Dockerfiles pin for this release (Renovate pins the index
 * digest: `FROM node:22.22.1-alpine3.23@sha256:8094c002...`, and a BuildKit log resolving
 * docker.io/library/node:22-alpine at it, March 2026). Check it with the command above when
 * changing it; a digest that does not exist would stop every pod's agent from being pulled.
 */
export const AGENT_IMAGE_DIGEST: string | undefined = 'sha256:8094c002d08262dba12645a3b4a15cd6cd627d30bc782f53229a2ec13ee22a00';

export const DEFAULT_AGENT_IMAGE = AGENT_IMAGE_DIGEST ? `${AGENT_IMAGE_TAG}@${AGENT_IMAGE_DIGEST}` : AGENT_IMAGE_TAG;
