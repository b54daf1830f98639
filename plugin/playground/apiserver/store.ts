// The API server's storage: one in-memory map of objects, one global resourceVersion counter
// (etcd's revision), and a bounded log of changes that watches replay from (the watch cache).
// A resource can be a view of another's storage (events.k8s.io Events are core Events), as a
// real server keeps one etcd key per object whatever version or group it is written through.
import { badRequest } from './status.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  rv: number;
  /** `group/resource`, e.g. `/pods` or `apps/deployments`. */
  gr: string;
  namespace: string;
  object: Obj;
  /** The object before the change (MODIFIED and DELETED), for selector transitions. */
  prev?: Obj;
}

export type Listener = (event: StoreEvent) => void;

/** A resource stored as another one: its objects are converted on the way in and out. */
export interface StoreView {
  storage: string;
  fromStorage(obj: Obj): Obj;
  toStorage(obj: Obj): Obj;
}

export class TooOldError extends Error {
  constructor(readonly requested: number, readonly oldestMinusOne: number) {
    super(`too old resource version: ${requested} (${oldestMinusOne})`);
    this.name = 'TooOldError';
  }
}

function key(gr: string, namespace: string, name: string): string {
  return `${gr}\u0000${namespace}\u0000${name}`;
}

export class Store {
  private readonly objects = new Map<string, Obj>();
  private readonly log: StoreEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly views = new Map<string, StoreView>();
  private rv: number;
  /** Events with rv <= compacted are no longer in the log. */
  private compacted: number;

  constructor(private readonly historySize = 5000, firstRv = 1) {
    this.rv = firstRv - 1;
    this.compacted = this.rv;
  }

  currentRv(): number {
    return this.rv;
  }

  /** Serves `gr` from the storage of `view.storage`. */
  addView(gr: string, view: StoreView): void {
    this.views.set(gr, view);
  }

  get(gr: string, namespace: string, name: string): Obj | undefined {
    const view = this.views.get(gr);
    if (view) {
      const stored = this.get(view.storage, namespace, name);
      return stored && view.fromStorage(stored);
    }
    return this.objects.get(key(gr, namespace, name));
  }

  /** Objects of one resource, in etcd key order (namespace, then name); namespace '' = all. */
  list(gr: string, namespace: string): Obj[] {
    const view = this.views.get(gr);
    if (view) return this.list(view.storage, namespace).map((o) => view.fromStorage(o));
    const out: Obj[] = [];
    const prefix = namespace === '' ? `${gr}\u0000` : `${gr}\u0000${namespace}\u0000`;
    for (const [k, v] of this.objects) if (k.startsWith(prefix)) out.push(v);
    return out.sort(byNamespaceName);
  }

  /** Stores a new or changed object, stamping the next resourceVersion; returns the stored copy. */
  put(gr: string, obj: Obj): Obj {
    const view = this.views.get(gr);
    if (view) return view.fromStorage(this.put(view.storage, view.toStorage(obj)));
    const ns: string = obj.metadata.namespace ?? '';
    const k = key(gr, ns, obj.metadata.name);
    const prev = this.objects.get(k);
    const rv = ++this.rv;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(rv);
    this.objects.set(k, stored);
    this.record({ type: prev ? 'MODIFIED' : 'ADDED', rv, gr, namespace: ns, object: stored, prev });
    return stored;
  }

  remove(gr: string, namespace: string, name: string): Obj | undefined {
    const view = this.views.get(gr);
    if (view) {
      const removed = this.remove(view.storage, namespace, name);
      return removed && view.fromStorage(removed);
    }
    const k = key(gr, namespace, name);
    const prev = this.objects.get(k);
    if (!prev) return undefined;
    this.objects.delete(k);
    const rv = ++this.rv;
    // A DELETED event carries the last state with the deletion's resourceVersion, as etcd3 watch does.
    const object = structuredClone(prev);
    object.metadata.resourceVersion = String(rv);
    this.record({ type: 'DELETED', rv, gr, namespace, object, prev });
    return object;
  }

  private record(event: StoreEvent): void {
    this.append(event);
    // Each view's watchers see the change too, in their own form and with the same resourceVersion.
    for (const [gr, view] of this.views) {
      if (view.storage !== event.gr) continue;
      this.append({ ...event, gr, object: view.fromStorage(event.object), prev: event.prev && view.fromStorage(event.prev) });
    }
  }

  private append(event: StoreEvent): void {
    this.log.push(event);
    if (this.log.length > this.historySize) {
      const dropped = this.log.splice(0, this.log.length - this.historySize);
      this.compacted = dropped[dropped.length - 1].rv;
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  /**
   * Events after `rv` (exclusive); throws TooOldError when the log no longer reaches back that far.
   * Same bound and numbers as the watch cache (cacher/watch_cache.go): rv < oldest-1 is
   * "too old resource version: rv (oldest-1)".
   */
  eventsSince(rv: number): StoreEvent[] {
    if (rv < this.compacted) throw new TooOldError(rv, this.compacted);
    const first = this.log.findIndex((e) => e.rv > rv);
    return first < 0 ? [] : this.log.slice(first);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function byNamespaceName(a: Obj, b: Obj): number {
  const an = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const bn = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

export function parseRv(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw badRequest(`invalid resource version: ${text}`);
  return Number(text);
}
