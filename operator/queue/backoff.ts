// Exponential backoff with jitter, per key: the n-th consecutive failure of a key waits
// about base·2ⁿ, capped, and a random share of it is taken off so that many keys failing
// together (an API server restart) do not all come back in the same instant.

export interface BackoffOptions {
  /** Delay after the first failure, ms (before jitter). */
  baseMs: number;
  /** Longest delay, ms. */
  maxMs: number;
  /** Share of the delay that jitter may take off, 0..1: the delay is in [d·(1-jitter), d]. */
  jitter: number;
  /** Source of randomness in [0, 1); Math.random by default (tests pass their own). */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 60_000, jitter: 0.5 };

/** The delay before retry number `failures` (1 = after the first failure), jitter aside. */
export function backoffCeilingMs(options: BackoffOptions, failures: number): number {
  const exponent = Math.max(0, failures - 1);
  // 2^exponent overflows to Infinity long after it passed any sensible cap: min() keeps it finite.
  return Math.min(options.maxMs, options.baseMs * 2 ** Math.min(exponent, 1024));
}

export function backoffDelayMs(options: BackoffOptions, failures: number): number {
  const ceiling = backoffCeilingMs(options, failures);
  const random = options.random ?? Math.random;
  return ceiling * (1 - options.jitter * random());
}

/** Counts consecutive failures per key; forget() on success starts the key over. */
export class PerKeyBackoff {
  private readonly options: BackoffOptions;
  private readonly failures = new Map<string, number>();

  constructor(options: BackoffOptions = DEFAULT_BACKOFF) {
    this.options = options;
  }

  /** Records one more failure of the key and returns how long to wait before retrying it. */
  next(key: string): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    return backoffDelayMs(this.options, failures);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}
