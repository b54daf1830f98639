// The kubelet's reading of image references (distribution/reference ParseNormalizedNamed and
// go-digest), on cases from distribution's own normalize_test.go / reference_test.go kinds.
import { describe, expect, it } from '@jest/globals';
import { parseImageReference } from '../../../plugin/playground/kubelet/image-reference.js';
import { imageID, isNodeImage, normalizeImage } from '../../../plugin/playground/kubelet/image.js';

const hex = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('parseImageReference', () => {
  it.each([
    ['node', { domain: 'docker.io', path: 'library/node' }],
    ['node:22-alpine', { domain: 'docker.io', path: 'library/node', tag: '22-alpine' }],
    [`node@sha256:${hex}`, { domain: 'docker.io', path: 'library/node', digest: `sha256:${hex}` }],
    [`node:22-alpine@sha256:${hex}`, { domain: 'docker.io', path: 'library/node', tag: '22-alpine', digest: `sha256:${hex}` }],
    ['index.docker.io/library/node:22', { domain: 'docker.io', path: 'library/node', tag: '22' }],
    ['localhost/node', { domain: 'localhost', path: 'node' }],
    ['mirror.example:5000/hub/library/node:22', { domain: 'mirror.example:5000', path: 'hub/library/node', tag: '22' }],
    ['[2001:db8::1]:5000/node', { domain: '[2001:db8::1]:5000', path: 'node' }],
    ['my_org/my__app--x.y', { domain: 'docker.io', path: 'my_org/my__app--x.y' }],
  ])('%s', (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
  });

  it.each([
    ['node:22-alpine@sha256:abc', 'invalid reference format'],
    [`node@sha256:${hex.slice(0, 40)}`, 'invalid checksum digest length'],
    [`node@sha256:${hex.toUpperCase()}`, 'invalid checksum digest format'],
    [`node@md5:${hex}`, 'unsupported digest algorithm'],
    ['Node:22', 'invalid reference format: repository name (library/Node) must be lowercase'],
    ['node:', 'invalid reference format'],
    ['node::22', 'invalid reference format'],
    [' node', 'invalid reference format'],
    ['node:-22', 'invalid reference format'],
    ['a/-b', 'invalid reference format'],
    [hex, `invalid repository name (${hex}), cannot specify 64-byte hexadecimal strings`],
    [`x/${'a'.repeat(250)}`, 'repository name must not be more than 255 characters'],
  ])('%s: %s', (text, message) => {
    expect(() => parseImageReference(text)).toThrow(message);
  });
});

describe('the node image', () => {
  it.each([
    ['node', true], ['node:22-alpine', true], [`node:22-alpine@sha256:${hex}`, true], ['docker.io/library/node:22', true],
    ['mirror.example/library/node:22', true], ['mirror.example/node', true], [`harbor.example/hub-proxy/library/node@sha256:${hex}`, true],
    ['someone/node', false], ['nginx', false], ['node:22-alpine@sha256:abc', false],
  ])('%s: %s', (image, expected) => {
    expect(isNodeImage(image)).toBe(expected);
  });

  it('is reported as containerd does: qualified, :latest by default, only the digest when pinned', () => {
    expect(normalizeImage('node')).toBe('docker.io/library/node:latest');
    expect(normalizeImage(`node:22-alpine@sha256:${hex}`)).toBe(`docker.io/library/node@sha256:${hex}`);
    expect(imageID(`node:22-alpine@sha256:${hex}`)).toBe(`docker.io/library/node@sha256:${hex}`);
    expect(imageID('node:22-alpine')).toMatch(/^docker\.io\/library\/node@sha256:[0-9a-f]{64}$/);
  });
});
