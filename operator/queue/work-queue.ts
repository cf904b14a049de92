// The controller's work queue (client-go's workqueue, rate-limited flavour): it holds keys
// ("namespace/name"), never events, so reconciles are level-triggered from the cache.
// - A key is queued at most once however often it is added (dedupe).
// - A key being processed is never handed out again until done(); added meanwhile, it is
//   marked dirty and queued once more when done() is called (so no change is missed).
// - addRateLimited() retries a failing key after an exponential backoff with jitter;
//   forget() (on success) resets the key's failure count.
// - shutDown() hands out nothing more; whenIdle() resolves once in-flight keys are done.
import { DEFAULT_BACKOFF, PerKeyBackoff, type BackoffOptions } from './backoff.ts';

interface Delayed {
  timer: NodeJS.Timeout;
  dueMs: number;
}

export class WorkQueue {
  private ready: string[] = [];
  private readyHead = 0;
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, Delayed>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly backoff: PerKeyBackoff;
  private shuttingDown = false;

  constructor(backoff: BackoffOptions = DEFAULT_BACKOFF) {
    this.backoff = new PerKeyBackoff(backoff);
  }

  /** Keys waiting to be handed out (not counting delayed retries or keys in process). */
  get depth(): number {
    return this.ready.length - this.readyHead;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queued.add(key);
    this.ready.push(key);
  }

  /** Adds the key after delayMs; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const dueMs = performance.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending !== undefined) {
      if (pending.dueMs <= dueMs) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { timer, dueMs });
  }

  /** Retries the key after its next backoff delay; returns that delay, ms. */
  addRateLimited(key: string): number {
    const delayMs = this.backoff.next(key);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** The key succeeded: its next failure starts from the base delay again. */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  failuresOf(key: string): number {
    return this.backoff.failuresOf(key);
  }

  /** The next key to process, or undefined once the queue shuts down. Call done(key) after. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    if (this.depth > 0) {
      const key = this.ready[this.readyHead++];
      if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.readyHead);
        this.readyHead = 0;
      }
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.delete(key)) this.add(key);
    if (this.processing.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Stops handing out keys (waiting get() calls resolve to undefined); drops queued keys and delayed retries. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.dirty.clear();
    this.ready = [];
    this.readyHead = 0;
    this.queued.clear();
    for (const resolve of this.waiters.splice(0)) resolve(undefined);
  }

  /** Resolves when no key is being processed. */
  whenIdle(): Promise<void> {
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
