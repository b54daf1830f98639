// Watch semantics against client-node's Watch and informer: synthetic ADDED for current state,
// resume after a resourceVersion, 410 Expired once history is gone, and selector transitions.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api, Watch, makeInformer } from '@kubernetes/client-node';
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { startTestApiServer } from './harness.js';
import type { TestApiServer } from './harness.js';

let t: TestApiServer;
let core: CoreV1Api;

beforeAll(async () => {
  // A short history, so the 410 case needs only a few writes.
  t = await startTestApiServer({ historySize: 20 });
  core = t.kc.makeApiClient(CoreV1Api);
});
afterAll(async () => {
  await t.stop();
});

interface Seen { type: string; name: string; rv: string; kind?: string; obj: Record<string, unknown> }

/** Watches a path and collects events until `until` says enough or the deadline passes. */
async function collect(path: string, query: Record<string, string | number | boolean | undefined>, act: () => Promise<void>, until: (seen: Seen[]) => boolean): Promise<Seen[]> {
  const seen: Seen[] = [];
  let wake: () => void = () => {};
  const done = new Promise<void>((resolve) => { wake = resolve; });
  const controller = await new Watch(t.kc).watch(path, query, (type: string, obj: KubernetesObject & Record<string, unknown>) => {
    seen.push({ type, name: obj.metadata?.name ?? '', rv: obj.metadata?.resourceVersion ?? '', kind: obj.kind, obj });
    if (until(seen)) wake();
  }, () => wake());
  await act();
  const deadline = setTimeout(wake, 10_000);
  await done;
  clearTimeout(deadline);
  controller.abort();
  return seen;
}

describe('watch', () => {
  it('sends the current state as ADDED, then changes, with kind and apiVersion on each object', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w-existing' } } });
    const seen = await collect('/api/v1/namespaces/default/configmaps', {}, async () => {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w-new' } } });
      await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'w-new' });
    }, (s) => s.some((e) => e.type === 'DELETED'));
    expect(seen.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED w-existing', 'ADDED w-new', 'DELETED w-new']);
    expect(seen.every((e) => e.kind === 'ConfigMap' && e.obj.apiVersion === 'v1')).toBe(true);
  });

  it('resumes strictly after a resourceVersion', async () => {
    const a = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'r-a' } } });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'r-b' } } });
    const seen = await collect('/api/v1/namespaces/default/configmaps', { resourceVersion: a.metadata?.resourceVersion }, async () => {}, (s) => s.length >= 1);
    expect(seen.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED r-b']);
  });

  it('answers a resourceVersion older than its history with one ERROR event carrying 410 Expired', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'old-0' } } });
    for (let i = 1; i <= 25; i++) await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `old-${i}` } } });
    const seen = await collect('/api/v1/namespaces/default/configmaps', { resourceVersion: first.metadata?.resourceVersion }, async () => {}, (s) => s.length >= 1);
    expect(seen).toHaveLength(1);
    expect(seen[0].type).toBe('ERROR');
    expect(seen[0].obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(String(seen[0].obj.message)).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('turns an object that stops matching the label selector into DELETED for that watcher', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'sel', labels: { team: 'a' } } } });
    const seen = await collect('/api/v1/namespaces/default/configmaps', { labelSelector: 'team=a' }, async () => {
      await core.patchNamespacedConfigMap({ namespace: 'default', name: 'sel', body: [{ op: 'replace', path: '/metadata/labels/team', value: 'b' }] });
      await core.patchNamespacedConfigMap({ namespace: 'default', name: 'sel', body: [{ op: 'replace', path: '/metadata/labels/team', value: 'a' }] });
    }, (s) => s.length >= 3);
    expect(seen.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED sel', 'DELETED sel', 'ADDED sel']);
  });

  it('closes the stream after timeoutSeconds', async () => {
    let ended = false;
    await new Promise<void>((resolve) => {
      void new Watch(t.kc).watch('/api/v1/namespaces/default/pods', { timeoutSeconds: 1 }, () => {}, () => {
        ended = true;
        resolve();
      });
    });
    expect(ended).toBe(true);
  });
});

describe('informer', () => {
  it('lists, then follows adds, updates and deletes', async () => {
    await core.createNamespace({ body: { metadata: { name: 'inf' } } });
    await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'before' } } });
    const informer = makeInformer<V1ConfigMap>(t.kc, '/api/v1/namespaces/inf/configmaps',
      () => core.listNamespacedConfigMap({ namespace: 'inf' }));
    const events: string[] = [];
    let wake: () => void = () => {};
    const gotDelete = new Promise<void>((resolve) => { wake = resolve; });
    informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => events.push(`update ${o.metadata?.name} ${o.data?.k}`));
    informer.on('delete', (o) => {
      events.push(`delete ${o.metadata?.name}`);
      wake();
    });
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'after' } } });
    await core.patchNamespacedConfigMap({ namespace: 'inf', name: 'after', body: [{ op: 'add', path: '/data', value: { k: 'v' } }] });
    await core.deleteNamespacedConfigMap({ namespace: 'inf', name: 'after' });
    const deadline = setTimeout(wake, 10_000);
    await gotDelete;
    clearTimeout(deadline);
    await informer.stop();
    expect(events).toEqual(['add before', 'add after', 'update after v', 'delete after']);
    expect(informer.list('inf').map((o) => o.metadata?.name)).toEqual(['before']);
  });
});
