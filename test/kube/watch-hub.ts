// Open watch streams: newline-delimited JSON events (`{"type":"ADDED","object":{...}}`), what
// client-node's Watch reads line by line. A watch replays the held events after its
// resourceVersion, then follows live ones; from a version older than the held history it
// gets one ERROR event carrying a 410 Gone Status and the stream ends, as a real server
// expires watches. Label/field selectors apply per event: an object that stops matching is
// sent as DELETED, one that starts matching as ADDED.
import type { ServerResponse } from 'node:http';
import { failureStatus } from './api-status.ts';
import type { KubeObject } from './kube-object.ts';
import type { ObjectStore, StoreEvent, WatchEventType } from './object-store.ts';
import { apiVersionOf, resourceKey, type ResourceType } from './resource-registry.ts';
import type { ObjectPredicate } from './selectors.ts';

export interface WatchRequest {
  type: ResourceType;
  /** undefined: every namespace (or a cluster-scoped resource). */
  namespace: string | undefined;
  matches: ObjectPredicate;
  /** undefined or 0: start with synthetic ADDED events for what exists now. */
  resourceVersion: number | undefined;
  timeoutSeconds: number | undefined;
  bookmarks: boolean;
  /** Human-readable description for `openWatches()`. */
  path: string;
}

interface OpenWatch {
  request: WatchRequest;
  response: ServerResponse;
  timers: NodeJS.Timeout[];
}

export interface WatchInfo {
  path: string;
  resource: string;
  namespace: string | undefined;
  resourceVersion: number | undefined;
}

export class WatchHub {
  private readonly store: ObjectStore;
  private readonly watches = new Set<OpenWatch>();
  private readonly bookmarkIntervalMs: number;
  private readonly waiters: (() => void)[] = [];
  /** Watches answered with 410 Gone (history expired or injected). */
  goneCount = 0;

  constructor(store: ObjectStore, bookmarkIntervalMs: number) {
    this.store = store;
    this.bookmarkIntervalMs = bookmarkIntervalMs;
    store.onEvent((event) => this.publish(event));
  }

  get count(): number {
    return this.watches.size;
  }

  list(): WatchInfo[] {
    return [...this.watches].map((w) => ({ path: w.request.path, resource: resourceKey(w.request.type), namespace: w.request.namespace, resourceVersion: w.request.resourceVersion }));
  }

  /** Resolves when the number of open watches changes (open or close). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private startStream(response: ServerResponse): void {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    response.flushHeaders();
  }

  /** Answers a watch with one ERROR event holding a 410 Gone Status, then ends the stream. */
  gone(response: ServerResponse, resourceVersion: number): void {
    this.goneCount++;
    this.startStream(response);
    const status = failureStatus(410, 'Expired', `too old resource version: ${resourceVersion} (${this.store.oldestWatchableVersion})`);
    response.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
  }

  open(response: ServerResponse, request: WatchRequest): void {
    let replay: StoreEvent[] | undefined;
    const since = request.resourceVersion;
    if (since !== undefined && since !== 0) {
      replay = this.store.eventsSince(since);
      if (replay === undefined) {
        this.gone(response, since);
        return;
      }
    }
    this.startStream(response);
    const watch: OpenWatch = { request, response, timers: [] };
    if (replay === undefined) {
      for (const object of this.store.list(request.type, request.namespace)) {
        if (request.matches(object)) this.send(watch, 'ADDED', object);
      }
    } else {
      for (const event of replay) this.deliver(watch, event);
    }
    this.watches.add(watch);
    const forget = (): void => this.forget(watch);
    response.on('close', forget);
    if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0) {
      watch.timers.push(setTimeout(() => response.end(), request.timeoutSeconds * 1000));
    }
    if (request.bookmarks && this.bookmarkIntervalMs > 0) {
      watch.timers.push(setInterval(() => this.bookmark(watch), this.bookmarkIntervalMs));
    }
    this.notify();
  }

  private forget(watch: OpenWatch): void {
    if (!this.watches.delete(watch)) return;
    for (const timer of watch.timers) clearTimeout(timer);
    this.notify();
  }

  private publish(event: StoreEvent): void {
    for (const watch of this.watches) this.deliver(watch, event);
  }

  private deliver(watch: OpenWatch, event: StoreEvent): void {
    const { request } = watch;
    if (resourceKey(event.resource) !== resourceKey(request.type)) return;
    if (request.namespace !== undefined && event.object.metadata.namespace !== request.namespace) return;
    const now = request.matches(event.object);
    if (event.type === 'MODIFIED') {
      const before = event.previous !== undefined && request.matches(event.previous);
      if (now && before) this.send(watch, 'MODIFIED', event.object);
      else if (now) this.send(watch, 'ADDED', event.object);
      else if (before) this.send(watch, 'DELETED', event.object);
    } else if (now) {
      this.send(watch, event.type, event.object);
    }
  }

  private send(watch: OpenWatch, type: WatchEventType | 'BOOKMARK', object: KubeObject | object): void {
    if (watch.response.writableEnded || watch.response.destroyed) return;
    watch.response.write(`${JSON.stringify({ type, object })}\n`);
  }

  private bookmark(watch: OpenWatch): void {
    const { type } = watch.request;
    this.send(watch, 'BOOKMARK', { apiVersion: apiVersionOf(type), kind: type.kind, metadata: { resourceVersion: String(this.store.resourceVersion) } });
  }

  /** Ends every open watch: `end` finishes the stream cleanly, `destroy` breaks the connection. */
  dropAll(mode: 'end' | 'destroy'): number {
    const open = [...this.watches];
    for (const watch of open) {
      if (mode === 'end') watch.response.end();
      else watch.response.destroy();
      this.forget(watch);
    }
    return open.length;
  }
}
