// Fault injection for tests: answer the next matching requests with an error (5xx or 429),
// slow matching requests down, break or end every open watch, and expire watch history so
// the next watches get 410 Gone. Matching is by method, path (string = exact, RegExp = test)
// and whether the request is a watch.
import { ApiError } from './api-status.ts';
import type { ObjectStore } from './object-store.ts';
import type { WatchHub } from './watch-hub.ts';

export interface RequestMatch {
  method?: string;
  path?: string | RegExp;
  /** true: only watch requests; false: never watch requests. */
  watch?: boolean;
  /**
   * `before` (default): the request is not handled (a failed request changes nothing; a delayed
   * one is handled late). `after`: it is handled at once, and then the answer is replaced by
   * the error (a write that happened although the client saw it fail) or sent late. Watches
   * only have `before`.
   */
  phase?: 'before' | 'after';
}

export interface FailOptions extends RequestMatch {
  /** HTTP status to answer with: 500 (default), 502, 503, 504 or 429. */
  status?: number;
  /** Sent as `Retry-After` and in the Status details (429 and 503). */
  retryAfterSeconds?: number;
}

export interface DelayOptions extends RequestMatch {
  /** How many matching requests to slow down; default: every one until cleared. */
  count?: number;
}

interface FailRule {
  remaining: number;
  options: FailOptions;
}

interface DelayRule {
  remaining: number;
  ms: number;
  options: DelayOptions;
}

export interface RequestFacts {
  method: string;
  path: string;
  watch: boolean;
}

function matches(match: RequestMatch, facts: RequestFacts, phase: 'before' | 'after'): boolean {
  if ((match.phase ?? 'before') !== phase) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== facts.method) return false;
  if (match.watch !== undefined && match.watch !== facts.watch) return false;
  if (match.path instanceof RegExp) return match.path.test(facts.path);
  if (typeof match.path === 'string') return match.path === facts.path;
  return true;
}

const REASONS: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export class Faults {
  private readonly failRules: FailRule[] = [];
  private readonly delayRules: DelayRule[] = [];
  private readonly store: ObjectStore;
  private readonly watches: WatchHub;
  private goneWatches = 0;
  /** Requests answered with an injected error. */
  injected = 0;

  constructor(store: ObjectStore, watches: WatchHub) {
    this.store = store;
    this.watches = watches;
  }

  /** The next `count` matching requests fail with `status` (default 500) and a Status body. */
  failNext(count: number, options: FailOptions = {}): void {
    this.failRules.push({ remaining: count, options });
  }

  /** Matching requests wait `ms` before being handled (every one, or the next `count`). */
  delay(ms: number, options: DelayOptions = {}): void {
    this.delayRules.push({ remaining: options.count ?? Number.POSITIVE_INFINITY, ms, options });
  }

  /**
   * Ends every open watch stream. `destroy` (default) breaks the connection mid-stream, which
   * client-node reports as an error; `end` closes the stream cleanly, which it reconnects from.
   * Returns how many were open.
   */
  dropWatches(mode: 'destroy' | 'end' = 'destroy'): number {
    return this.watches.dropAll(mode);
  }

  /** Forgets the event history (etcd compaction): a watch from any version before now gets 410 Gone. */
  expireHistory(): void {
    this.store.compact();
  }

  /** The next `count` watches that name a resourceVersion get 410 Gone, however recent it is. */
  goneNextWatches(count = 1): void {
    this.goneWatches += count;
  }

  /** Removes every pending fault. */
  clear(): void {
    this.failRules.length = 0;
    this.delayRules.length = 0;
    this.goneWatches = 0;
  }

  /** Takes one injected 410 for a watch (router use). */
  takeGone(): boolean {
    if (this.goneWatches === 0) return false;
    this.goneWatches--;
    return true;
  }

  /** The delay for this request in `phase`, consuming one use of each matching rule. */
  delayFor(facts: RequestFacts, phase: 'before' | 'after'): number {
    let total = 0;
    for (const rule of this.delayRules) {
      if (rule.remaining <= 0 || !matches(rule.options, facts, phase)) continue;
      rule.remaining--;
      total += rule.ms;
    }
    return total;
  }

  /** The injected error for this request in `phase`, if a rule matches (consuming one use of it). */
  failureFor(facts: RequestFacts, phase: 'before' | 'after'): ApiError | undefined {
    const rule = this.failRules.find((r) => r.remaining > 0 && matches(r.options, facts, phase));
    if (rule === undefined) return undefined;
    rule.remaining--;
    this.injected++;
    const status = rule.options.status ?? 500;
    const retry = rule.options.retryAfterSeconds;
    const headers: Record<string, string> = retry === undefined ? {} : { 'Retry-After': String(retry) };
    return new ApiError(status, REASONS[status] ?? 'InternalError', `injected fault (${status}) for ${facts.method} ${facts.path}`, retry === undefined ? undefined : { retryAfterSeconds: retry }, headers);
  }
}
