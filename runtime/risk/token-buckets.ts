// Token buckets in typed arrays, one per index (an instrument, or index 0 for a global one):
// `rate` tokens a second up to `burst`, one token per admitted order. Time is passed in (ns)
// so that the check reads no clock and tests control it. Over any interval of t seconds a
// bucket admits at most rate × t + burst orders.

export class TokenBuckets {
  private readonly tokens: Float64Array;
  private readonly lastNs: Float64Array;
  /** Tokens per ns; Infinity = no limit. */
  private readonly ratePerNs: Float64Array;
  private readonly burst: Float64Array;

  readonly size: number;

  constructor(size: number) {
    this.size = size;
    this.tokens = new Float64Array(size);
    this.lastNs = new Float64Array(size).fill(-Infinity);
    this.ratePerNs = new Float64Array(size).fill(Infinity);
    this.burst = new Float64Array(size).fill(Infinity);
  }

  /**
   * Sets a bucket's rate (orders/s, Infinity = unlimited) and burst (default: one second's
   * worth, at least 1). Tokens already there are kept, capped at the new burst, so a reload
   * neither refills an empty bucket nor lets a lower limit start full.
   */
  configure(index: number, ratePerS: number, burst: number = Math.max(1, Math.ceil(ratePerS))): void {
    const wasUnlimited = this.ratePerNs[index] === Infinity;
    this.ratePerNs[index] = ratePerS / 1e9;
    this.burst[index] = ratePerS === Infinity ? Infinity : burst;
    if (wasUnlimited || this.lastNs[index] === -Infinity) {
      this.tokens[index] = this.burst[index];
    } else {
      this.tokens[index] = Math.min(this.tokens[index], this.burst[index]);
    }
  }

  /**
   * Whether a token is there at the time in `now[0]` (refilled first); takes nothing. The time
   * comes in a typed-array cell, not as an argument: a monotonic ns time passed to a call is
   * boxed into a heap number (see PreTradeRisk.check).
   */
  available(index: number, now: Float64Array): boolean {
    if (this.ratePerNs[index] === Infinity) return true;
    const nowNs = now[0];
    const last = this.lastNs[index];
    if (last === -Infinity) {
      this.lastNs[index] = nowNs;
    } else if (nowNs > last) {
      // A clock that goes back (it should not: monotonic) adds nothing and does not move `last` back.
      this.tokens[index] = Math.min(this.burst[index], this.tokens[index] + (nowNs - last) * this.ratePerNs[index]);
      this.lastNs[index] = nowNs;
    }
    return this.tokens[index] >= 1;
  }

  /** Takes the token `available` found. */
  take(index: number): void {
    if (this.ratePerNs[index] !== Infinity) this.tokens[index] -= 1;
  }
}
