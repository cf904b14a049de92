// Clocks for timestamps. Monotonic time is CLOCK_MONOTONIC, which every process on one host
// shares, so a timestamp taken by a publisher can be subtracted from one taken by a consumer.
// Values are Numbers of nanoseconds: no BigInt on the hot path. Cost per call on the
// reference machine (Node 24, 2 vCPU EPYC): monotonicNs and wallClockNs ~40 ns,
// process.hrtime.bigint() 53 ns plus a BigInt allocation, CachedNanoClock.nanoTime() ~1 ns.
//
// The native calls write the time into a bound Float64Array instead of returning it: a
// double returned from a native call is a fresh heap number (16 bytes) every time, which
// made every clock read on a hot path garbage. Where V8 inlines these two small functions
// (hot, monomorphic call sites), the double goes from the array to its use unboxed and a
// clock read allocates nothing (test/clock/clock.test.ts measures it).
import { native } from '../native/native-addon.ts';

const MONOTONIC = 0;
const REALTIME = 1;
const cell = new Float64Array(2);
native.bindClockCell(cell);
const tickMonotonic = native.tickMonotonic;
const tickRealtime = native.tickRealtime;

/** CLOCK_MONOTONIC nanoseconds; comparable across processes on one host. */
export function monotonicNs(): number {
  tickMonotonic();
  return cell[MONOTONIC];
}

/** CLOCK_REALTIME nanoseconds since the Unix epoch (256 ns granularity as a double). */
export function wallClockNs(): number {
  tickRealtime();
  return cell[REALTIME];
}

export type NanoClock = () => number;

/**
 * A clock read once and then served from a field: update() at the top of a poll or a
 * publication batch, nanoTime() for every record in it. Its precision is the time between
 * updates, which the caller controls; reading it costs a property load.
 */
export class CachedNanoClock {
  private now: number;
  private readonly source: NanoClock;

  constructor(source: NanoClock = monotonicNs) {
    this.source = source;
    this.now = source();
  }

  update(): number {
    this.now = this.source();
    return this.now;
  }

  nanoTime(): number {
    return this.now;
  }
}
