// How a sender loads the channel for one measurement; handed to each child as JSON.
export interface LoadSpec {
  /** Records per second; absent = flat out. */
  ratePerS?: number;
  /** Ring impls: publish the ring position once per this many records. */
  batchSize: number;
  /** Sent first and left out of every figure (interpreter, JIT compilation). */
  warmupNs: number;
  /** Measured time after the warm-up. */
  durationNs: number;
}

export function isPaced(load: LoadSpec): boolean {
  return load.ratePerS !== undefined;
}

/** The longest a measurement may take, child start-up included, before it counts as hung. */
export function timeLimitMs(load: LoadSpec): number {
  return (load.warmupNs + load.durationNs) / 1e6 + 30_000;
}
