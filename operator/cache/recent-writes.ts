// Read-your-writes on top of the informer caches. After the operator writes an object,
// its informer shows the old version until the watch event arrives; a reconcile that ran
// in between would see the old object, think it drifted and write it again. So every
// write's answer is kept here, tagged with the resourceVersion the cache showed when the
// write was sent, and used instead of the cache for as long as the cache still shows that
// version. Any informer event for the object with another version (ours arriving, someone
// else's change, a deletion) drops the entry: from then on the cache is as new or newer.
// If the cache moved on while the write was in flight, the answer is not kept at all (the
// watch may already have delivered newer versions than the answer).

export interface CachedVersion {
  metadata: { resourceVersion?: string };
}

interface Entry<T> {
  /** resourceVersion in the cache when we wrote (undefined: the cache had no object). */
  before: string | undefined;
  /** The server's answer: the object as written, or undefined after a delete. */
  object: T | undefined;
}

export class RecentWrites<T extends CachedVersion> {
  private readonly entries = new Map<string, Entry<T>>();

  get size(): number {
    return this.entries.size;
  }

  /**
   * `before`: the cache's resourceVersion when the write was sent (undefined: no object);
   * `now`: the cache's resourceVersion as the answer arrives.
   */
  recordWrite(key: string, before: string | undefined, now: string | undefined, written: T | undefined): void {
    if (now === before) this.entries.set(key, { before, object: written });
    else this.entries.delete(key);
  }

  /** An informer event for the object: the cache has caught up (or moved on). */
  observe(key: string, object: T, deleted: boolean): void {
    const entry = this.entries.get(key);
    if (entry !== undefined && (deleted || object.metadata.resourceVersion !== entry.before)) this.entries.delete(key);
  }

  /** What to believe about the object, given what the informer cache holds. */
  read(key: string, cached: T | undefined): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return cached;
    if (cached?.metadata.resourceVersion === entry.before) return entry.object;
    this.entries.delete(key);
    return cached;
  }

  clear(): void {
    this.entries.clear();
  }
}
