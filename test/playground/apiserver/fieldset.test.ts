// Field sets as structured-merge-diff computes them: what an applied configuration owns, what an
// update adds (maps and pointer structs that appear are members themselves), FieldsV1 and the
// path texts conflicts print.
import { describe, expect, it } from '@jest/globals';
import { FieldSet, compare, pathString, toFieldSet } from '../../../plugin/playground/apiserver/fieldmanager/fieldset.js';

const deployment = { k: 'struct', model: 'V1Deployment' } as const;

describe('field sets', () => {
  it('owns the leaves, map entries and keyed items of an applied configuration', () => {
    const set = toFieldSet(deployment, {
      metadata: { labels: { app: 'web' } },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 80 }], resources: {} }] } } },
    });
    expect(set.toJSON()).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:selector': {},
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } }, 'f:resources': {} } } } },
      },
    });
  });

  it('marks maps and pointer structs an update adds, not the value structs Go always writes', () => {
    const c = compare(deployment, { metadata: {}, spec: { strategy: {}, template: { metadata: {}, spec: {} } }, status: {} },
      { metadata: { labels: { app: 'web' } }, spec: { strategy: { rollingUpdate: { maxSurge: 1 } }, template: { metadata: {}, spec: {} } }, status: {} });
    expect(c.added.toJSON()).toEqual({
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {} } } },
    });
    expect(c.modified.empty() && c.removed.empty()).toBe(true);
  });

  it('reads FieldsV1 back and prints paths as fieldpath does', () => {
    const json = { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:finalizers': { 'v:"x"': {} } } };
    const set = FieldSet.fromJSON(json);
    expect(set.toJSON()).toEqual(json);
    expect(set.paths().map(pathString)).toEqual(['.data', '.data.a', '.metadata.finalizers[="x"]']);
    expect(pathString(['f:spec', 'k:{"containerPort":80,"protocol":"TCP"}', 'f:image'])).toBe('.spec[containerPort=80,protocol="TCP"].image');
  });
});
