// Watch responses: one JSON event per line over a chunked 200, replayed from the store's event
// log from the requested resourceVersion, filtered by namespace and selectors like the watch
// cache's cacheWatcher does, closed after timeoutSeconds.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceInfo } from './resources.js';
import type { Store, StoreEvent } from './store.js';
import { TooOldError, parseRv } from './store.js';
import { grKey } from './registry.js';
import { objectFilter } from './selectors.js';
import { statusBody } from './status.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface WatchRequest {
  info: ResourceInfo;
  /** '' = all namespaces (or a cluster-scoped resource). */
  namespace: string;
  query: URLSearchParams;
  /** Turns an event's object into what goes on the wire (e.g. a Table). */
  render?: (obj: Obj) => Obj;
}

/**
 * The event a watcher with a selector sees for a change, following cacheWatcher.convertToWatchEvent
 * (k8s.io/apiserver/pkg/storage/cacher/cache_watcher.go): an object that starts matching is
 * ADDED, one that stops matching is DELETED (its old state with the new resourceVersion).
 */
export function convertEvent(event: StoreEvent, matches: (obj: Obj) => boolean): { type: string; object: Obj } | undefined {
  const curPasses = event.type !== 'DELETED' && matches(event.object);
  const oldPasses = event.prev !== undefined && matches(event.prev);
  if (event.type === 'DELETED') return oldPasses ? { type: 'DELETED', object: event.object } : undefined;
  if (curPasses && !oldPasses) return { type: 'ADDED', object: event.object };
  if (curPasses && oldPasses) return { type: 'MODIFIED', object: event.object };
  if (!curPasses && oldPasses) {
    const object = structuredClone(event.prev as Obj);
    object.metadata.resourceVersion = String(event.rv);
    return { type: 'DELETED', object };
  }
  return undefined;
}

export function serveWatch(store: Store, req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
  const matches = objectFilter(w.info, w.query);
  const gr = grKey(w.info);
  const render = w.render ?? ((o: Obj) => o);
  const rvParam = w.query.get('resourceVersion');
  const startRv = parseRv(rvParam);
  const bookmarks = w.query.get('allowWatchBookmarks') === 'true';
  const timeout = Number(w.query.get('timeoutSeconds') ?? '') || 1800;

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  // Send the headers now: kubectl rollout status waits for them before it goes on.
  res.flushHeaders();

  let lastRv = store.currentRv();
  const send = (type: string, object: Obj): void => {
    // A bookmark or an event can come due in the same tick as the timeout's end(): the stream is
    // over by then, and writing to it would throw out of a timer and take the server down.
    if (res.writableEnded || res.destroyed) return;
    res.write(`${JSON.stringify({ type, object: type === 'ERROR' || type === 'BOOKMARK' ? object : render(object) })}\n`);
  };
  const inScope = (e: StoreEvent): boolean => e.gr === gr && (w.namespace === '' || e.namespace === w.namespace);
  const deliver = (e: StoreEvent): void => {
    lastRv = e.rv;
    if (!inScope(e)) return;
    const out = convertEvent(e, matches);
    if (out) send(out.type, out.object);
  };

  const initialEvents = w.query.get('sendInitialEvents') === 'true';
  if (startRv === undefined || startRv === 0 || initialEvents) {
    // "Any" resourceVersion: the current state as synthetic ADDED events, then changes.
    for (const obj of store.list(gr, w.namespace)) if (matches(obj)) send('ADDED', obj);
    if (initialEvents) {
      // Streaming lists (WatchList): a bookmark annotated as the end of the initial events.
      send('BOOKMARK', {
        kind: w.info.kind, apiVersion: w.info.group === '' ? w.info.version : `${w.info.group}/${w.info.version}`,
        metadata: { resourceVersion: String(lastRv), annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
    }
  } else {
    let backlog: StoreEvent[];
    try {
      backlog = store.eventsSince(startRv);
    } catch (err) {
      if (!(err instanceof TooOldError)) throw err;
      send('ERROR', statusBody(410, 'Expired', err.message));
      res.end();
      return;
    }
    for (const e of backlog) deliver(e);
  }

  const unsubscribe = store.subscribe(deliver);
  const bookmarkTimer = bookmarks ? setInterval(function sendBookmark() {
    send('BOOKMARK', { kind: w.info.kind, apiVersion: w.info.group === '' ? w.info.version : `${w.info.group}/${w.info.version}`, metadata: { resourceVersion: String(lastRv) } });
  }, 60_000) : undefined;
  bookmarkTimer?.unref();
  const timer = setTimeout(function endWatch() {
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    unsubscribe();
    res.end();
  }, timeout * 1000);
  timer.unref();
  // The request's own 'close' fires once its body is read; the response's marks the client leaving.
  res.on('close', function stopWatch() {
    unsubscribe();
    clearTimeout(timer);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
  });
  void req;
}
