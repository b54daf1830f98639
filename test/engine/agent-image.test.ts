// The default agent image: a reference the kubelet parses (distribution's grammar, as the
// playground's kubelet applies it) and the official Node.js image, pinned by digest.
import { describe, expect, it } from '@jest/globals';
import { AGENT_IMAGE_DIGEST, AGENT_IMAGE_TAG, DEFAULT_AGENT_IMAGE } from '../../plugin/engine/agent-image.js';
import { parseImageReference } from '../../plugin/playground/kubelet/image-reference.js';
import { isNodeImage } from '../../plugin/playground/kubelet/image.js';

describe('the default agent image', () => {
  it('is a valid reference to the official Node.js 22 image', () => {
    expect(parseImageReference(DEFAULT_AGENT_IMAGE)).toMatchObject({ domain: 'docker.io', path: 'library/node', tag: '22.22.1-alpine3.23' });
    expect(isNodeImage(DEFAULT_AGENT_IMAGE)).toBe(true);
  });

  it('is pinned by the digest of its multi-arch index, so every node runs the same bytes', () => {
    expect(AGENT_IMAGE_DIGEST).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(parseImageReference(DEFAULT_AGENT_IMAGE).digest).toBe(AGENT_IMAGE_DIGEST);
    expect(DEFAULT_AGENT_IMAGE).toBe(`${AGENT_IMAGE_TAG}@${AGENT_IMAGE_DIGEST}`);
  });
});
