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

/** What a bench case says about its load. */
export interface LoadShape {
  ratePerS?: number;
  batchSize?: number;
}

const FULL = { warmupS: 0.5, durationS: 3 };
const QUICK = { warmupS: 0.1, durationS: 0.5 };

/**
 * Shorter quick times for in-process benches whose many cases and impls add up (matching, FIX
 * parsing): their --quick is a CI smoke, and CI runs every bench's quick in its 15-minute budget.
 */
const SMOKE = { warmupS: 0.05, durationS: 0.2 };

/** A full run's times, or the smoke times for --quick. */
export function smokeOrFullTimes(quick: boolean): { warmupS: number; durationS: number } {
  return quick ? SMOKE : FULL;
}

/** Every bench measures for the same time: a full run, or a --quick one for CI. */
export function measurementTimes(quick: boolean): { warmupS: number; durationS: number } {
  return quick ? QUICK : FULL;
}

export function loadFor(shape: LoadShape, quick: boolean): LoadSpec {
  const { warmupS, durationS } = measurementTimes(quick);
  const load: LoadSpec = { batchSize: shape.batchSize ?? 1, warmupNs: warmupS * 1e9, durationNs: durationS * 1e9 };
  if (shape.ratePerS !== undefined) load.ratePerS = shape.ratePerS;
  return load;
}

export function isPaced(load: LoadSpec): boolean {
  return load.ratePerS !== undefined;
}

/** The longest a measurement may take, child start-up included, before it counts as hung. */
export function timeLimitMs(load: LoadSpec): number {
  return (load.warmupNs + load.durationNs) / 1e6 + 30_000;
}
