// JSON patch (evanphx/json-patch v4 semantics) and JSON merge patch as kube-apiserver applies them.
import { describe, it, expect } from '@jest/globals';
import { applyJsonPatch, applyMergePatch, PatchError } from '../../../plugin/playground/apiserver/patch/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type D = any;
const GENERIC_422 = 'the server rejected our request due to an error in our request';
const deploy = () => ({
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image: 'a' }] } } },
});

function failure(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PatchError) return err;
    throw err;
  }
  throw new Error('expected a PatchError');
}

describe('applyJsonPatch', () => {
  const ok: Array<{ name: string; ops: unknown[]; pick: (d: D) => unknown; want: unknown }> = [
    { name: 'add appends with -', ops: [{ op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'agent' } }], pick: (d) => d.spec.template.spec.containers.map((c: D) => c.name), want: ['app', 'agent'] },
    { name: 'add inserts at an index', ops: [{ op: 'add', path: '/spec/template/spec/containers/0', value: { name: 'agent' } }], pick: (d) => d.spec.template.spec.containers.map((c: D) => c.name), want: ['agent', 'app'] },
    { name: 'add at index == length appends', ops: [{ op: 'add', path: '/spec/template/spec/containers/1', value: { name: 'z' } }], pick: (d) => d.spec.template.spec.containers.length, want: 2 },
    { name: 'add replaces an existing object member', ops: [{ op: 'add', path: '/spec/replicas', value: 3 }], pick: (d) => d.spec.replicas, want: 3 },
    { name: 'remove deletes a member', ops: [{ op: 'remove', path: '/metadata/labels/app' }], pick: (d) => d.metadata.labels, want: {} },
    { name: 'remove deletes an array element', ops: [{ op: 'remove', path: '/spec/template/spec/containers/0' }], pick: (d) => d.spec.template.spec.containers, want: [] },
    { name: 'replace sets a value', ops: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'b' }], pick: (d) => d.spec.template.spec.containers[0].image, want: 'b' },
    { name: 'replace of a missing object key adds it (json-patch v4)', ops: [{ op: 'replace', path: '/spec/paused', value: true }], pick: (d) => d.spec.paused, want: true },
    { name: 'move relocates a value', ops: [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/tier' }], pick: (d) => d.metadata.labels, want: { tier: 'web' } },
    { name: 'copy duplicates a value', ops: [{ op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' }], pick: (d) => d.metadata.annotations, want: { app: 'web' } },
    { name: 'test passes on an equal value', ops: [{ op: 'test', path: '/spec/replicas', value: 1 }, { op: 'replace', path: '/spec/replicas', value: 2 }], pick: (d) => d.spec.replicas, want: 2 },
    { name: 'escaped keys ~1 and ~0', ops: [{ op: 'add', path: '/metadata/labels/example.com~1a~0b', value: 'x' }], pick: (d) => d.metadata.labels['example.com/a~b'], want: 'x' },
    { name: 'negative index counts from the end (json-patch v4)', ops: [{ op: 'replace', path: '/spec/template/spec/containers/-1/image', value: 'n' }], pick: (d) => d.spec.template.spec.containers[0].image, want: 'n' },
    { name: 'an empty patch changes nothing', ops: [], pick: (d) => d, want: deploy() },
  ];
  it.each(ok)('$name', ({ ops, pick, want }) => {
    expect(pick(applyJsonPatch(deploy(), ops))).toEqual(want);
  });

  const bad: Array<{ name: string; ops: unknown; code: number; message: string; detail?: string }> = [
    { name: 'add under a missing parent', ops: [{ op: 'add', path: '/spec/missing/x', value: 1 }], code: 422, message: GENERIC_422, detail: 'add operation does not apply: doc is missing path: "/spec/missing/x": missing value' },
    { name: 'remove of a missing key', ops: [{ op: 'remove', path: '/spec/nope' }], code: 422, message: GENERIC_422, detail: 'Unable to remove nonexistent key: nope: missing value' },
    { name: 'add past the end of an array', ops: [{ op: 'add', path: '/spec/template/spec/containers/5', value: {} }], code: 422, message: GENERIC_422 },
    { name: 'a failing test', ops: [{ op: 'test', path: '/spec/replicas', value: 2 }], code: 422, message: GENERIC_422 },
    { name: 'an unknown op', ops: [{ op: 'frob', path: '/spec' }], code: 422, message: GENERIC_422, detail: 'Unexpected kind: frob' },
    { name: 'the root path', ops: [{ op: 'replace', path: '', value: {} }], code: 422, message: GENERIC_422 },
    { name: 'a body that is an object', ops: { op: 'add' }, code: 400, message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
    { name: 'an operation that is a string', ops: ['add'], code: 400, message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation' },
  ];
  it.each(bad)('fails: $name', ({ ops, code, message, detail }) => {
    const err = failure(() => applyJsonPatch(deploy(), ops));
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
    if (detail) expect(err.detail).toBe(detail);
  });

  it('leaves the document untouched when an operation fails half way', () => {
    const doc = deploy();
    failure(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/replicas', value: 5 }, { op: 'remove', path: '/nope' }]));
    expect(doc).toEqual(deploy());
  });
});

describe('applyMergePatch', () => {
  const cases: Array<{ name: string; patch: unknown; pick: (d: D) => unknown; want: unknown }> = [
    { name: 'objects merge', patch: { metadata: { labels: { tier: 'x' } } }, pick: (d) => d.metadata.labels, want: { app: 'web', tier: 'x' } },
    { name: 'null deletes', patch: { metadata: { labels: null } }, pick: (d) => d.metadata, want: { name: 'web' } },
    { name: 'arrays are replaced whole (no merge keys)', patch: { spec: { template: { spec: { containers: [{ name: 'agent' }] } } } }, pick: (d) => d.spec.template.spec.containers, want: [{ name: 'agent' }] },
    { name: 'nulls inside a new object are pruned', patch: { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } }, pick: (d) => d.spec.strategy, want: { type: 'Recreate' } },
    { name: 'a scalar replaced by an object', patch: { spec: { replicas: { a: 1, b: null } } }, pick: (d) => d.spec.replicas, want: { a: 1 } },
    { name: 'a null patch changes nothing', patch: null, pick: (d) => d, want: deploy() },
  ];
  it.each(cases)('$name', ({ patch, pick, want }) => {
    expect(pick(applyMergePatch(deploy(), patch))).toEqual(want);
  });

  it('rejects a patch that is not an object with 400 Invalid JSON Patch', () => {
    const err = failure(() => applyMergePatch(deploy(), [1, 2]));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', 'Invalid JSON Patch']);
  });
});
