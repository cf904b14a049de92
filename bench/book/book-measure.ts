// The three measurements of one book, each a series of passes over the workload: the
// book is cleaned up and seeded outside the timed region (BookDriver.prepare), then the
// stream is applied. Passes repeat for the measurement time after a warm-up.
import { monotonicNs } from '../../runtime/clock/clock.ts';
import type { LatencyRecorder } from '../../runtime/stats/latency-recorder.ts';
import type { BookDriver } from './book-driver.ts';

/** What the measurements need of a driver (the exchange bench's matching drivers have this much too). */
export type PassDriver = Pick<BookDriver, 'prepare' | 'applyStream' | 'timeEachOperation'>;
import { type MarginalAllocation, collectGarbage, marginalAllocation } from '../lib/heap-allocation.ts';

export interface Throughput {
  operations: number;
  /** Time spent applying the stream, clock reads around each pass included (2 per pass). */
  timedNs: number;
  passes: number;
  /** The fastest single pass: on a shared machine, the nearest to the code's own speed (a slice lost to another process is in the others). */
  fastestPassNs: number;
}

/** Passes of prepare + applyStream for `seconds` (no timing of single operations). */
export function runPasses(driver: PassDriver, streamLength: number, seconds: number): Throughput {
  const end = monotonicNs() + seconds * 1e9;
  let timedNs = 0;
  let passes = 0;
  let fastestPassNs = Number.POSITIVE_INFINITY;
  do {
    driver.prepare();
    const start = monotonicNs();
    driver.applyStream();
    const passNs = monotonicNs() - start;
    timedNs += passNs;
    if (passNs < fastestPassNs) fastestPassNs = passNs;
    passes++;
  } while (monotonicNs() < end);
  return { operations: passes * streamLength, timedNs, passes, fastestPassNs };
}

/** Passes with every stream operation timed on its own, for `seconds`. */
export function timeOperations(driver: PassDriver, streamLength: number, seconds: number, recorder: LatencyRecorder | undefined): void {
  const intervals = new Float64Array(streamLength);
  const end = monotonicNs() + seconds * 1e9;
  do {
    driver.prepare();
    driver.timeEachOperation(intervals);
    if (recorder !== undefined) for (let index = 0; index < streamLength; index++) recorder.record(intervals[index]);
  } while (monotonicNs() < end);
}

/**
 * The clock's own cost as the per-operation figures see it: two monotonicNs() reads back
 * to back with nothing between, stored the same way.
 */
export function timeEmptyIntervals(count: number, seconds: number, recorder: LatencyRecorder | undefined): void {
  const intervals = new Float64Array(count);
  const end = monotonicNs() + seconds * 1e9;
  do {
    for (let index = 0; index < count; index++) {
      const start = monotonicNs();
      intervals[index] = monotonicNs() - start;
    }
    if (recorder !== undefined) for (let index = 0; index < count; index++) recorder.record(intervals[index]);
  } while (monotonicNs() < end);
}

/**
 * Heap bytes per pass beyond the run's fixed cost: `passes` passes and 2 × `passes` passes
 * with no clock at all, each under measureAllocation, the difference ÷ `passes`
 * (marginalAllocation: the profiler's and the JIT's fixed bytes cancel).
 */
export function marginalAllocationOfPasses(driver: PassDriver, passes: number): MarginalAllocation {
  return marginalAllocation((count) => {
    for (let pass = 0; pass < count; pass++) {
      driver.prepare();
      driver.applyStream();
    }
  }, passes);
}

/**
 * Measures each driver for `seconds` in all, in turns of `roundS`, so that load from other
 * processes on a shared machine falls on all drivers alike rather than on whichever ran
 * when it came. A full GC before each turn leaves no driver another's garbage.
 */
export function inRounds<Driver>(drivers: readonly Driver[], seconds: number, roundS: number, measure: (driver: Driver, index: number, seconds: number) => void): void {
  const rounds = Math.max(1, Math.round(seconds / roundS));
  for (let round = 0; round < rounds; round++) {
    drivers.forEach((driver, index) => {
      collectGarbage();
      measure(driver, index, seconds / rounds);
    });
  }
}

/**
 * Every measurement's loop run for `warmupS` per driver before anything is measured (JIT,
 * the allocation run's own loop and GCProfiler's first use, the clock's empty intervals).
 */
export function warmUp(drivers: readonly PassDriver[], streamLength: number, warmupS: number, allocationPasses: number): void {
  for (const driver of drivers) {
    runPasses(driver, streamLength, warmupS);
    timeOperations(driver, streamLength, warmupS, undefined);
    marginalAllocationOfPasses(driver, allocationPasses);
  }
  timeEmptyIntervals(streamLength, warmupS, undefined);
}
