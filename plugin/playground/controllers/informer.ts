// A shared informer as client-go has one: list, then watch from the list's resourceVersion, keep a
// local cache, tell handlers about changes, and relist when the watch expires (410) or fails.
// The watch itself is client-node's Watch.
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { resourcePath, type KubeClient, type ResourceRef } from './client.js';
import type { KubeObject } from './types.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type Handler<T> = (type: EventType, obj: T, old?: T) => void;

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function newer(a: KubeObject, b: KubeObject | undefined): boolean {
  if (!b) return true;
  const x = Number(a.metadata.resourceVersion);
  const y = Number(b.metadata.resourceVersion);
  if (Number.isFinite(x) && Number.isFinite(y)) return x > y;
  return a.metadata.resourceVersion !== b.metadata.resourceVersion;
}

export class Informer<T extends KubeObject> {
  private readonly store = new Map<string, T>();
  private readonly handlers: Handler<T>[] = [];
  /** UIDs seen deleted lately, so a late observe() of a write cannot bring an object back. */
  private readonly tombstones = new Set<string>();
  private abort?: AbortController;
  private stopped = false;
  private rv = '';
  private retry?: NodeJS.Timeout;
  private synced?: Promise<void>;
  private listFailures = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly kc: KubeConfig,
    readonly resource: ResourceRef,
    private readonly onError: (msg: string) => void = () => {},
  ) {}

  on(handler: Handler<T>): void {
    this.handlers.push(handler);
  }

  /** Resolves once the first list is in the cache. */
  start(): Promise<void> {
    this.synced ??= this.relist();
    return this.synced;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.abort?.abort();
  }

  list(namespace?: string): T[] {
    const all = [...this.store.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.store.get(`${namespace ?? ''}/${name}`);
  }

  /** Records an object this process just wrote, so the next sync does not act on a stale copy. */
  observe(obj: T): void {
    if (obj.metadata.uid && this.tombstones.has(obj.metadata.uid)) return;
    this.apply('MODIFIED', obj);
  }

  private emit(type: EventType, obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        h(type, obj, old);
      } catch (err) {
        this.onError(`informer handler for ${this.resource.plural} failed: ${(err as Error).message}`);
      }
    }
  }

  private apply(type: EventType, obj: T): void {
    const key = keyOf(obj);
    const old = this.store.get(key);
    if (type === 'DELETED') {
      if (obj.metadata.uid) {
        this.tombstones.add(obj.metadata.uid);
        if (this.tombstones.size > 2000) this.tombstones.delete(this.tombstones.values().next().value as string);
      }
      if (!old) return;
      this.store.delete(key);
      this.emit('DELETED', obj, old);
      return;
    }
    if (old && !newer(obj, old)) return;
    this.store.set(key, obj);
    this.emit(old ? 'MODIFIED' : 'ADDED', obj, old);
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      const list = await this.client.list<T>(this.resource);
      const seen = new Set<string>();
      for (const item of list.items) {
        const obj = { apiVersion: this.apiVersion(), kind: this.resource.kind, ...item } as T;
        seen.add(keyOf(obj));
        this.apply('MODIFIED', obj);
      }
      for (const [key, old] of [...this.store]) if (!seen.has(key)) this.apply('DELETED', old);
      this.rv = list.metadata.resourceVersion ?? '';
      this.listFailures = 0;
      void this.watch();
    } catch (err) {
      if (this.stopped) return;
      if (this.listFailures++ % 20 === 0) this.onError(`listing ${this.resource.plural} failed: ${(err as Error).message}; retrying`);
      await new Promise<void>((resolve) => (this.retry = setTimeout(resolve, 250)));
      return this.relist();
    }
  }

  private apiVersion(): string {
    return this.resource.group ? `${this.resource.group}/${this.resource.version}` : this.resource.version;
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    let expired = false;
    const onEvent = (type: string, obj: T) => {
      if (type === 'ERROR') {
        expired = (obj as unknown as { code?: number }).code === 410;
        return;
      }
      if (type === 'BOOKMARK') {
        this.rv = obj.metadata?.resourceVersion ?? this.rv;
        return;
      }
      if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
        this.apply(type, obj);
        this.rv = obj.metadata.resourceVersion ?? this.rv;
      }
    };
    const onDone = (err: unknown) => {
      if (this.stopped) return;
      const code = (err as { statusCode?: number } | null)?.statusCode;
      if (expired || code === 410) {
        this.retry = setTimeout(() => void this.relist(), 0);
      } else if (err) {
        this.retry = setTimeout(() => void this.relist(), 250);
      } else {
        this.retry = setTimeout(() => void this.watch(), 0);
      }
    };
    try {
      this.abort = await new Watch(this.kc).watch(resourcePath(this.resource), { resourceVersion: this.rv, allowWatchBookmarks: true }, onEvent, onDone);
      if (this.stopped) this.abort.abort();
    } catch (err) {
      onDone(err);
    }
  }
}
