// The server's state: objects per resource, one global resourceVersion counter bumped by every
// write, and a bounded history of change events that watches replay from. A write whose
// result equals the stored object (managedFields times included) is not a write: nothing
// is stored, no version is used, no event is sent. `metadata.generation` moves when anything
// outside metadata and status changes.
import { randomUUID } from 'node:crypto';
import { deepEqual, isPlainObject, jsonClone } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';
import { resourceKey, type ResourceType } from './resource-registry.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resourceVersion: number;
  resource: ResourceType;
  /** The object after the change (for DELETED: its last state, carrying the deletion's version). */
  object: KubeObject;
  /** The object before the change (MODIFIED only). */
  previous?: KubeObject;
}

export interface WriteResult {
  object: KubeObject;
  changed: boolean;
}

function objectName(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * The object without what the store itself assigns. managedFields times count, as on a real
 * server: they have one-second resolution, so a write that only moves a time writes when a
 * new second has begun.
 */
function comparable(object: KubeObject): unknown {
  const copy = { ...object, metadata: { ...object.metadata } };
  delete copy.metadata.resourceVersion;
  delete copy.metadata.generation;
  return copy;
}

/** What `metadata.generation` counts: everything outside metadata and status. */
function generationContent(object: KubeObject): unknown {
  const copy: Record<string, unknown> = { ...object };
  delete copy.metadata;
  delete copy.status;
  delete copy.apiVersion;
  delete copy.kind;
  return copy;
}

export class ObjectStore {
  private readonly objects = new Map<string, { type: ResourceType; items: Map<string, KubeObject> }>();
  private readonly byUid = new Map<string, { type: ResourceType; namespace: string | undefined; name: string }>();
  private readonly history: StoreEvent[] = [];
  private readonly historyLimit: number;
  private readonly listeners: ((event: StoreEvent) => void)[] = [];
  private counter = 0;
  /** Watches from a version below this one get 410 Gone (their events are no longer held). */
  private compactedBelow = 0;
  /** Writes that changed something (and deletions), by any route. */
  changes = 0;

  constructor(historyLimit: number) {
    this.historyLimit = historyLimit;
  }

  get resourceVersion(): number {
    return this.counter;
  }

  /** The oldest version a watch may still start from. */
  get oldestWatchableVersion(): number {
    return this.compactedBelow;
  }

  onEvent(listener: (event: StoreEvent) => void): void {
    this.listeners.push(listener);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(resourceKey(type))?.items.get(objectName(type.namespaced ? namespace : undefined, name));
  }

  /** Objects of `type`, in one namespace or (undefined) all, sorted by namespace and name. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const all = [...(this.objects.get(resourceKey(type))?.items.values() ?? [])];
    const selected = namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
    return selected.sort((a, b) => objectName(a.metadata.namespace, a.metadata.name).localeCompare(objectName(b.metadata.namespace, b.metadata.name)));
  }

  /** Every stored object with its type. */
  *entries(): Generator<{ type: ResourceType; object: KubeObject }> {
    for (const { type, items } of [...this.objects.values()]) for (const object of [...items.values()]) yield { type, object };
  }

  hasUid(uid: string): boolean {
    return this.byUid.has(uid);
  }

  byUidRef(uid: string): KubeObject | undefined {
    const ref = this.byUid.get(uid);
    return ref === undefined ? undefined : this.get(ref.type, ref.namespace, ref.name);
  }

  /**
   * Stores `candidate` as the new state (`previous` is the state it was computed from, or
   * undefined to create). Assigns uid/creationTimestamp on create, resourceVersion and
   * generation; an unchanged candidate is not stored.
   */
  write(type: ResourceType, previous: KubeObject | undefined, candidate: KubeObject): WriteResult {
    const object = jsonClone(candidate);
    object.apiVersion = type.group === '' ? type.version : `${type.group}/${type.version}`;
    object.kind = type.kind;
    if (!type.namespaced) delete object.metadata.namespace;
    if (previous !== undefined) {
      object.metadata.uid = previous.metadata.uid;
      object.metadata.creationTimestamp = previous.metadata.creationTimestamp;
      if (deepEqual(comparable(object), comparable(previous))) return { object: previous, changed: false };
      if (previous.metadata.generation !== undefined) {
        const moved = !deepEqual(generationContent(object), generationContent(previous));
        object.metadata.generation = previous.metadata.generation + (moved ? 1 : 0);
      } else {
        delete object.metadata.generation;
      }
    } else {
      object.metadata.uid = randomUUID();
      object.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      if (type.custom || isPlainObject(object.spec)) object.metadata.generation = 1;
      else delete object.metadata.generation;
    }
    object.metadata.resourceVersion = String(++this.counter);
    this.put(type, object);
    this.record({ type: previous === undefined ? 'ADDED' : 'MODIFIED', resourceVersion: this.counter, resource: type, object, ...(previous === undefined ? {} : { previous }) });
    return { object, changed: true };
  }

  /** Removes the object; returns its last state stamped with the deletion's resourceVersion. */
  remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const stored = this.get(type, namespace, name);
    if (stored === undefined) return undefined;
    this.objects.get(resourceKey(type))?.items.delete(objectName(stored.metadata.namespace, name));
    if (stored.metadata.uid !== undefined) this.byUid.delete(stored.metadata.uid);
    const object = { ...stored, metadata: { ...stored.metadata, resourceVersion: String(++this.counter) } };
    this.record({ type: 'DELETED', resourceVersion: this.counter, resource: type, object });
    return object;
  }

  private put(type: ResourceType, object: KubeObject): void {
    const key = resourceKey(type);
    let entry = this.objects.get(key);
    if (entry === undefined) {
      entry = { type, items: new Map() };
      this.objects.set(key, entry);
    }
    entry.type = type;
    entry.items.set(objectName(object.metadata.namespace, object.metadata.name), object);
    if (object.metadata.uid !== undefined) this.byUid.set(object.metadata.uid, { type, namespace: object.metadata.namespace, name: object.metadata.name });
  }

  private record(event: StoreEvent): void {
    this.changes++;
    this.history.push(event);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped !== undefined) this.compactedBelow = dropped.resourceVersion;
    }
    for (const listener of this.listeners) listener(event);
  }

  /** Events after `resourceVersion`, oldest first; undefined when some of them are no longer held. */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.compactedBelow) return undefined;
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  /** Forgets the whole history: watches from any version before now get 410 Gone. */
  compact(): void {
    this.history.length = 0;
    this.compactedBelow = this.counter;
  }
}
