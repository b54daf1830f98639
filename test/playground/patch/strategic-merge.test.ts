// Strategic merge patch as kube-apiserver applies it: merge keys, directives, element order, errors.
import { describe, it, expect } from '@jest/globals';
import { applyStrategicMergePatch, PatchError } from '../../../plugin/playground/apiserver/patch/index.js';

type J = Record<string, unknown>;
const podWith = (spec: J): J => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
const deployWith = (podSpec: J): J => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: { replicas: 1, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } },
});
const names = (list: unknown): unknown[] => (list as J[]).map((c) => c.name ?? c.containerPort ?? c.port ?? c.mountPath);

describe('strategic merge patch: merge keys', () => {
  const cases: Array<{ name: string; kind: string; doc: J; patch: J; pick: (o: J) => unknown; want: unknown }> = [
    {
      name: 'containers merge by name and keep other fields', kind: 'Pod',
      doc: podWith({ containers: [{ name: 'app', image: 'a:1', args: ['x'] }] }),
      patch: { spec: { containers: [{ name: 'app', image: 'a:2' }] } },
      pick: (o) => (o.spec as J).containers, want: [{ name: 'app', image: 'a:2', args: ['x'] }],
    },
    {
      name: 'container ports merge by containerPort', kind: 'Pod',
      doc: podWith({ containers: [{ name: 'app', ports: [{ containerPort: 80, name: 'http' }] }] }),
      patch: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
      pick: (o) => ((o.spec as J).containers as J[])[0].ports, want: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
    },
    {
      name: 'env merges by name', kind: 'Pod',
      doc: podWith({ containers: [{ name: 'app', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] }),
      patch: { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '3' }] }] } },
      pick: (o) => ((o.spec as J).containers as J[])[0].env, want: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }],
    },
    {
      name: 'envFrom, command and args are replaced whole', kind: 'Pod',
      doc: podWith({ containers: [{ name: 'app', command: ['a', 'b'], envFrom: [{ configMapRef: { name: 'x' } }] }] }),
      patch: { spec: { containers: [{ name: 'app', command: ['c'], envFrom: [{ secretRef: { name: 'y' } }] }] } },
      pick: (o) => ((o.spec as J).containers as J[])[0], want: { name: 'app', command: ['c'], envFrom: [{ secretRef: { name: 'y' } }] },
    },
    {
      name: 'volumeMounts merge by mountPath', kind: 'Pod',
      doc: podWith({ containers: [{ name: 'app', volumeMounts: [{ name: 'a', mountPath: '/a' }] }] }),
      patch: { spec: { containers: [{ name: 'app', volumeMounts: [{ name: 'b', mountPath: '/a', readOnly: true }] }] } },
      pick: (o) => ((o.spec as J).containers as J[])[0].volumeMounts, want: [{ name: 'b', mountPath: '/a', readOnly: true }],
    },
    {
      name: 'volumes merge by name', kind: 'Pod',
      doc: podWith({ volumes: [{ name: 'v', configMap: { name: 'c' } }] }),
      patch: { spec: { volumes: [{ name: 'v', configMap: { defaultMode: 420 } }] } },
      pick: (o) => (o.spec as J).volumes, want: [{ name: 'v', configMap: { name: 'c', defaultMode: 420 } }],
    },
    {
      name: 'tolerations are replaced whole', kind: 'Pod',
      doc: podWith({ tolerations: [{ key: 'a', operator: 'Exists' }] }),
      patch: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } },
      pick: (o) => (o.spec as J).tolerations, want: [{ key: 'b', operator: 'Exists' }],
    },
    {
      name: 'imagePullSecrets merge by name', kind: 'Pod',
      doc: podWith({ imagePullSecrets: [{ name: 'a' }] }), patch: { spec: { imagePullSecrets: [{ name: 'b' }] } },
      pick: (o) => names((o.spec as J).imagePullSecrets), want: ['b', 'a'],
    },
    {
      name: 'hostAliases merge by ip', kind: 'Pod',
      doc: podWith({ hostAliases: [{ ip: '1.1.1.1', hostnames: ['a'] }] }),
      patch: { spec: { hostAliases: [{ ip: '1.1.1.1', hostnames: ['b'] }] } },
      pick: (o) => (o.spec as J).hostAliases, want: [{ ip: '1.1.1.1', hostnames: ['b'] }],
    },
    {
      name: 'topologySpreadConstraints merge by topologyKey', kind: 'Pod',
      doc: podWith({ topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 1 }] }),
      patch: { spec: { topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2 }] } },
      pick: (o) => (o.spec as J).topologySpreadConstraints, want: [{ topologyKey: 'zone', maxSkew: 2 }],
    },
    {
      name: 'pod template containers inside a Deployment merge by name', kind: 'Deployment',
      doc: deployWith({ containers: [{ name: 'app', image: 'a:1' }] }),
      patch: { spec: { template: { spec: { containers: [{ name: 'app', image: 'a:2' }] } } } },
      pick: (o) => (((o.spec as J).template as J).spec as J).containers, want: [{ name: 'app', image: 'a:2' }],
    },
    {
      name: 'Service ports merge by port', kind: 'Service',
      doc: { kind: 'Service', spec: { ports: [{ port: 80, targetPort: 8080, name: 'http' }] } },
      patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
      pick: (o) => (o.spec as J).ports, want: [{ port: 80, targetPort: 9090, name: 'http' }],
    },
    {
      name: 'ownerReferences merge by uid', kind: 'ReplicaSet',
      doc: { metadata: { ownerReferences: [{ uid: 'u1', name: 'a' }] } },
      patch: { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } },
      pick: (o) => (o.metadata as J).ownerReferences, want: [{ uid: 'u1', name: 'a', controller: true }],
    },
    {
      name: 'status conditions merge by type', kind: 'Deployment',
      doc: { status: { conditions: [{ type: 'Available', status: 'False' }, { type: 'Progressing', status: 'True' }] } },
      patch: { status: { conditions: [{ type: 'Available', status: 'True' }] } },
      pick: (o) => (o.status as J).conditions,
      want: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }],
    },
    {
      name: 'EndpointSlice endpoints are atomic', kind: 'EndpointSlice',
      doc: { endpoints: [{ addresses: ['1'] }] }, patch: { endpoints: [{ addresses: ['2'] }] },
      pick: (o) => o.endpoints, want: [{ addresses: ['2'] }],
    },
    {
      name: 'ConfigMap data merges as a map; null deletes a key', kind: 'ConfigMap',
      doc: { data: { a: '1', b: '2' } }, patch: { data: { b: null, c: '3' } },
      pick: (o) => o.data, want: { a: '1', c: '3' },
    },
    {
      name: 'Lease spec fields are replaced', kind: 'Lease',
      doc: { spec: { holderIdentity: 'a', leaseDurationSeconds: 40 } }, patch: { spec: { holderIdentity: 'b' } },
      pick: (o) => o.spec, want: { holderIdentity: 'b', leaseDurationSeconds: 40 },
    },
    {
      name: 'finalizers (merged scalar list) put new values first', kind: 'Namespace',
      doc: { metadata: { finalizers: ['a', 'b'] } }, patch: { metadata: { finalizers: ['c', 'a'] } },
      pick: (o) => (o.metadata as J).finalizers, want: ['c', 'a', 'b'],
    },
  ];
  it.each(cases)('$name', ({ kind, doc, patch, pick, want }) => {
    expect(pick(applyStrategicMergePatch(doc, patch, kind) as J)).toEqual(want);
  });

  it('does not modify its inputs', () => {
    const doc = podWith({ containers: [{ name: 'app' }] });
    const patch = { spec: { containers: [{ name: 'x', $patch: 'delete' }] } };
    const before = JSON.stringify([doc, patch]);
    applyStrategicMergePatch(doc, patch, 'Pod');
    expect(JSON.stringify([doc, patch])).toBe(before);
  });
});

describe('strategic merge patch: element order (patch.go mergeSlice/normalizeElementOrder)', () => {
  const containers = (o: J): unknown[] => names((o.spec as J).containers);
  const cases: Array<{ name: string; existing: string[]; patch: J; want: string[] }> = [
    { name: 'a new item goes ahead of existing ones', existing: ['app'], patch: { containers: [{ name: 'agent' }] }, want: ['agent', 'app'] },
    { name: 'two new items keep patch order, both ahead', existing: ['app'], patch: { containers: [{ name: 'b' }, { name: 'a' }] }, want: ['b', 'a', 'app'] },
    {
      name: 'listing the existing item first keeps it first', existing: ['app'],
      patch: { containers: [{ name: 'app' }, { name: 'agent' }] }, want: ['app', 'agent'],
    },
    {
      name: 'patched existing items keep their live positions, new item before later server items', existing: ['a', 'b', 'c'],
      patch: { containers: [{ name: 'c', image: 'x' }, { name: 'new' }] }, want: ['a', 'b', 'c', 'new'],
    },
    {
      name: '$setElementOrder puts the new item last', existing: ['app'],
      patch: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'agent' }], containers: [{ name: 'agent' }] },
      want: ['app', 'agent'],
    },
    {
      name: '$setElementOrder reorders without content changes', existing: ['a', 'b'],
      patch: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] }, want: ['b', 'a'],
    },
    {
      name: '$setElementOrder with server-only items keeps them relative to patch items', existing: ['a', 'b', 'c'],
      patch: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'x' }], containers: [{ name: 'x' }] },
      want: ['a', 'b', 'c', 'x'],
    },
  ];
  it.each(cases)('$name', ({ existing, patch, want }) => {
    const doc = podWith({ containers: existing.map((name) => ({ name })) });
    expect(containers(applyStrategicMergePatch(doc, { spec: patch }, 'Pod') as J)).toEqual(want);
  });
});

describe('strategic merge patch: directives', () => {
  const base = podWith({
    containers: [{ name: 'app', image: 'a', env: [{ name: 'A', value: '1' }] }, { name: 'side', image: 's' }],
    securityContext: { runAsUser: 1, runAsGroup: 2 },
  });
  const spec = (o: object): J => (o as J).spec as J;
  const cases: Array<{ name: string; patch: J; check: (s: J) => void }> = [
    { name: 'null deletes a field', patch: { securityContext: { runAsUser: null } }, check: (s) => expect(s.securityContext).toEqual({ runAsGroup: 2 }) },
    { name: '$patch: delete on a list item removes it', patch: { containers: [{ name: 'side', $patch: 'delete' }] }, check: (s) => expect(names(s.containers)).toEqual(['app']) },
    {
      name: '$patch: replace on a list replaces it', patch: { containers: [{ name: 'only', image: 'o' }, { $patch: 'replace' }] },
      check: (s) => expect(s.containers).toEqual([{ name: 'only', image: 'o' }]),
    },
    { name: '$patch: replace on a map replaces it', patch: { securityContext: { $patch: 'replace', runAsNonRoot: true } }, check: (s) => expect(s.securityContext).toEqual({ runAsNonRoot: true }) },
    { name: '$patch: delete on a map empties it', patch: { securityContext: { $patch: 'delete' } }, check: (s) => expect(s.securityContext).toEqual({}) },
    {
      // mergeSliceWithSpecialElements: any item carrying `$patch: replace` replaces the whole list
      // with the patch's plain items, and the directive item itself is dropped
      name: '$patch: replace on a list item replaces the list with the other items',
      patch: { containers: [{ name: 'app', $patch: 'replace', image: 'z' }, { name: 'n', image: 'n' }] },
      check: (s) => expect(s.containers).toEqual([{ name: 'n', image: 'n' }]),
    },
    { name: '$retainKeys drops keys not listed', patch: { securityContext: { $retainKeys: ['runAsUser'], runAsUser: 5 } }, check: (s) => expect(s.securityContext).toEqual({ runAsUser: 5 }) },
    {
      name: '$deleteFromPrimitiveList removes values from a merged scalar list', patch: {},
      check: () => {
        const ns = { metadata: { finalizers: ['a', 'b', 'c'] } };
        const out = applyStrategicMergePatch(ns, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }, 'Namespace') as J;
        expect((out.metadata as J).finalizers).toEqual(['a', 'c']);
      },
    },
    {
      name: 'a nested $patch: delete env item', patch: { containers: [{ name: 'app', env: [{ name: 'A', $patch: 'delete' }] }] },
      check: (s) => expect((s.containers as J[])[0].env).toEqual([]),
    },
  ];
  it.each(cases)('$name', ({ patch, check }) => check(spec(applyStrategicMergePatch(base, { spec: patch }, 'Pod'))));
});

describe('strategic merge patch: primitive lists and verbatim values (patch.go quirks kept)', () => {
  const ns = (finalizers?: string[]): J => ({ metadata: finalizers ? { name: 'n', finalizers } : { name: 'n' } });
  const fin = (o: object): unknown => ((o as J).metadata as J).finalizers;
  it('$setElementOrder orders a merged scalar list', () => {
    const out = applyStrategicMergePatch(ns(['a', 'b']), { metadata: { '$setElementOrder/finalizers': ['b', 'c', 'a'], finalizers: ['c'] } }, 'Namespace');
    expect(fin(out)).toEqual(['b', 'c', 'a']);
  });
  it('re-adding an existing scalar does not duplicate it', () => {
    expect(fin(applyStrategicMergePatch(ns(['a', 'b']), { metadata: { finalizers: ['b'] } }, 'Namespace'))).toEqual(['a', 'b']);
  });
  it('a deletion list for a list the object lacks becomes the list (mergeMap takes absent keys verbatim)', () => {
    expect(fin(applyStrategicMergePatch(ns(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } }, 'Namespace'))).toEqual(['x']);
  });
  it('directive keys inside values taken verbatim are dropped, as decoding into the Go struct does', () => {
    const out = applyStrategicMergePatch(podWith({}), { spec: { securityContext: { $patch: 'replace', runAsUser: 1 } } }, 'Pod') as J;
    expect((out.spec as J).securityContext).toEqual({ runAsUser: 1 });
  });
  it('a $setElementOrder with an item order the patch contradicts is refused', () => {
    let message = '';
    try {
      applyStrategicMergePatch(podWith({ containers: [{ name: 'a' }, { name: 'b' }] }), {
        spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b' }, { name: 'a' }] },
      }, 'Pod');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("doesn't match $setElementOrder list");
  });
});

describe('strategic merge patch: errors', () => {
  const doc = podWith({ containers: [{ name: 'app', ports: [{ containerPort: 80 }] }], volumes: [] });
  const cases: Array<{ name: string; kind?: string; patch: unknown; code: number; message: string }> = [
    {
      name: 'a list item without its merge key', patch: { spec: { containers: [{ image: 'httpd' }] } }, code: 500,
      message: 'map: map[image:httpd] does not contain declared merge key: name',
    },
    {
      name: 'merge key missing in a nested list, Go map formatting', patch: { spec: { containers: [{ name: 'app', ports: [{ name: 'http', hostPort: 8080 }] }] } },
      code: 500, message: 'map: map[hostPort:8080 name:http] does not contain declared merge key: containerPort',
    },
    { name: 'an unknown $patch value', patch: { metadata: { $patch: 'bogus' } }, code: 500, message: 'unknown patch type: bogus in map: map[$patch:bogus]' },
    { name: '$patch: merge on a list item', patch: { spec: { containers: [{ name: 'app', $patch: 'merge' }] } }, code: 500, message: 'merging lists cannot yet be specified in the patch' },
    { name: '$retainKeys not covering the patch', patch: { spec: { $retainKeys: ['a'], containers: [] } }, code: 400, message: 'invalid patch format of retainKeys' },
    { name: '$retainKeys not a list', patch: { spec: { $retainKeys: 'a' } }, code: 400, message: 'invalid patch format of retainKeys' },
    { name: 'a list of lists', patch: { spec: { volumes: [['x']] } }, code: 422, message: 'lists of lists are not supported' },
    { name: 'custom resources', kind: 'Widget', patch: {}, code: 415, message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml' },
    { name: 'a body that is not an object', patch: [1], code: 400, message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' },
  ];
  it('a list item without its merge key is copied as is when the live object lacks the list (patch.go mergeMap)', () => {
    const out = applyStrategicMergePatch(podWith({}), { spec: { containers: [{ image: 'x' }] } }, 'Pod') as J;
    expect((out.spec as J).containers).toEqual([{ image: 'x' }]);
  });

  it.each(cases)('$name', ({ kind, patch, code, message }) => {
    let caught: unknown;
    try {
      applyStrategicMergePatch(doc, patch, kind ?? 'Pod');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PatchError);
    expect((caught as PatchError).code).toBe(code);
    expect((caught as PatchError).reason).toBe({ 400: 'BadRequest', 415: 'UnsupportedMediaType', 422: 'Invalid', 500: '' }[code]);
    expect((caught as PatchError).message).toBe(message);
  });
});
