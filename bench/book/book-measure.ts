// The three measurements of one book, each a series of passes over the workload: the
// book is cleaned up and seeded outside the timed region (BookDriver.prepare), then the
// stream is applied. Passes repeat for the measurement time after a warm-up.
// Each pass also reads how long the thread waited for a CPU during it (runqueue-wait.ts):
// on a shared machine the OS gives the core to other processes in the middle of a pass,
// and that wait is the machine's, not the code's.
import { monotonicNs } from '../../runtime/clock/clock.ts';
import type { LatencyRecorder } from '../../runtime/stats/latency-recorder.ts';
import type { BookDriver } from './book-driver.ts';
import { type MarginalAllocation, collectGarbage, marginalAllocation } from '../lib/heap-allocation.ts';
import { type WaitClock, threadWaitClock } from '../lib/runqueue-wait.ts';

/** What the measurements need of a driver (the exchange bench's matching drivers have this much too). */
export type PassDriver = Pick<BookDriver, 'prepare' | 'applyStream' | 'timeEachOperation'>;

/** The clocks a measurement reads (tests give their own). */
export interface PassClocks {
  /** Monotonic nanoseconds. */
  now: () => number;
  /** Nanoseconds this thread has waited for a CPU so far. */
  waited: WaitClock;
}

function threadClocks(): PassClocks {
  return { now: monotonicNs, waited: threadWaitClock() };
}

export interface Throughput {
  operations: number;
  /** Time spent applying the stream, clock reads around each pass included (2 per pass). */
  timedNs: number;
  /** The part of timedNs this thread spent waiting for a CPU (the OS ran something else). */
  waitNs: number;
  passes: number;
  /** The fastest single pass: on a shared machine, the nearest to the code's own speed (a slice lost to another process is in the others). */
  fastestPassNs: number;
}

/** Passes of prepare + applyStream for `seconds` (no timing of single operations). */
export function runPasses(driver: PassDriver, streamLength: number, seconds: number, clocks: PassClocks = threadClocks()): Throughput {
  const { now, waited } = clocks;
  const end = now() + seconds * 1e9;
  let timedNs = 0;
  let waitNs = 0;
  let passes = 0;
  let fastestPassNs = Number.POSITIVE_INFINITY;
  do {
    driver.prepare();
    const waitedBefore = waited();
    const start = now();
    driver.applyStream();
    const passNs = now() - start;
    // A wait in the reads just outside the pass may land in the difference: never more than the pass.
    waitNs += Math.min(passNs, waited() - waitedBefore);
    timedNs += passNs;
    if (passNs < fastestPassNs) fastestPassNs = passNs;
    passes++;
  } while (now() < end);
  return { operations: passes * streamLength, timedNs, waitNs, passes, fastestPassNs };
}

export interface OperationTimes {
  /** The longest single operation once the thread's wait for a CPU inside it is taken out (takeOutWait). */
  maxLessWaitNs: number;
  /** Wait for a CPU during the timed passes, in all. */
  waitNs: number;
}

/**
 * Passes with every stream operation timed on its own, for `seconds`. The recorder gets each
 * interval as measured (wait included); the result says which part of the longest was the code's.
 */
export function timeOperations(
  driver: PassDriver,
  streamLength: number,
  seconds: number,
  recorder: LatencyRecorder | undefined,
  clocks: PassClocks = threadClocks(),
): OperationTimes {
  const { now, waited } = clocks;
  const intervals = new Float64Array(streamLength);
  const end = now() + seconds * 1e9;
  let maxLessWaitNs = 0;
  let waitNs = 0;
  do {
    driver.prepare();
    const waitedBefore = waited();
    driver.timeEachOperation(intervals);
    const passWaitNs = waited() - waitedBefore;
    if (recorder !== undefined) for (let index = 0; index < streamLength; index++) recorder.record(intervals[index]);
    waitNs += passWaitNs;
    maxLessWaitNs = Math.max(maxLessWaitNs, takeOutWait(intervals, streamLength, passWaitNs));
  } while (now() < end);
  return { maxLessWaitNs, waitNs };
}

/**
 * Takes `waitNs` (a pass's wait for a CPU) out of the pass's intervals, longest first, and
 * returns the longest interval left. A wait lengthens the one operation it fell in by its
 * whole length (milliseconds, against operations of 100 ns), so the longest intervals hold
 * it. Changes `intervals`. Approximate where a wait fell between two clock reads (in the
 * loop, outside every interval): then it is taken from the longest operation instead.
 */
export function takeOutWait(intervals: Float64Array, length: number, waitNs: number): number {
  if (length === 0) return 0;
  let remaining = waitNs;
  for (;;) {
    let longest = 0;
    for (let index = 1; index < length; index++) if (intervals[index] > intervals[longest]) longest = index;
    if (!(remaining > 0) || intervals[longest] <= 0) return intervals[longest];
    const cut = Math.min(intervals[longest], remaining);
    intervals[longest] -= cut;
    remaining -= cut;
  }
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
