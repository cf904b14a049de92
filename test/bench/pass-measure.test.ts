// The pass measurements of the book and matching benches (bench/book/book-measure.ts) keep
// apart the time a pass ran and the time its thread waited for a CPU while the OS ran other
// processes (a shared machine): clocks are fakes here, so the figures are exact.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type PassClocks, type PassDriver, runPasses, takeOutWait, timeOperations } from '../../bench/book/book-measure.ts';
import { parseRunDelay, threadWaitClock, waitClockAvailable } from '../../bench/lib/runqueue-wait.ts';

/** A driver whose every pass takes `passNs` of fake time, `waitNs` of it waiting for a CPU inside operation `waitAt`. */
function fakeDriver(operations: number, operationNs: number, waitNs: number, waitAt: number): { driver: PassDriver; clocks: PassClocks } {
  let now = 0;
  let waited = 0;
  const clocks: PassClocks = { now: () => now, waited: () => waited };
  const driver: PassDriver = {
    prepare: () => {
      now += 1_000_000; // untimed: must count nowhere
    },
    applyStream: () => {
      now += operations * operationNs + waitNs;
      waited += waitNs;
    },
    timeEachOperation: (out) => {
      for (let index = 0; index < operations; index++) {
        const wait = index === waitAt ? waitNs : 0;
        now += operationNs + wait;
        waited += wait;
        out[index] = operationNs + wait;
      }
    },
  };
  return { driver, clocks };
}

describe('pass measurements on a shared machine', () => {
  it('runPasses reports the wait for a CPU inside the timed passes beside the time they took', () => {
    const { driver, clocks } = fakeDriver(1000, 150, 176_000_000, 0);
    const result = runPasses(driver, 1000, 1, clocks);
    expect(result.passes).toBeGreaterThan(1);
    expect(result.timedNs).toBe(result.passes * (150_000 + 176_000_000));
    expect(result.waitNs).toBe(result.passes * 176_000_000);
    // What the code itself took: 150 ns an operation.
    expect((result.timedNs - result.waitNs) / result.operations).toBe(150);
  });

  it('runPasses never counts more wait than a pass lasted', () => {
    let now = 0;
    let waited = 0;
    const driver: PassDriver = { prepare: () => (waited += 5_000), applyStream: () => (now += 1_000), timeEachOperation: () => {} };
    const result = runPasses(driver, 10, 0.00001, { now: () => now, waited: () => waited });
    expect(result.waitNs).toBe(0);
  });

  it('timeOperations records every interval as measured and finds the longest less its wait', () => {
    const { driver, clocks } = fakeDriver(100, 150, 176_000_000, 42);
    const recorded: number[] = [];
    const recorder = { record: (value: number) => recorded.push(value) } as unknown as Parameters<typeof timeOperations>[3];
    const result = timeOperations(driver, 100, 0.5, recorder, clocks);
    expect(Math.max(...recorded)).toBe(176_000_150);
    expect(recorded.length % 100).toBe(0);
    expect(result.maxLessWaitNs).toBe(150);
    expect(result.waitNs).toBe((recorded.length / 100) * 176_000_000);
  });

  it('takeOutWait takes a wait from the longest intervals and leaves an operation that was slow by itself', () => {
    // Two preemptions (5 ms and 3 ms) and one operation that took 40 µs on its own.
    const intervals = Float64Array.from([150, 5_000_150, 40_000, 3_000_120, 160]);
    expect(takeOutWait(intervals, intervals.length, 8_000_000)).toBe(40_000);
    expect(intervals[1] + intervals[3]).toBe(270);
    expect(takeOutWait(Float64Array.from([150, 160]), 2, 0)).toBe(160);
    expect(takeOutWait(new Float64Array(0), 0, 100)).toBe(0);
  });

  it('parses run_delay, the second field of schedstat', () => {
    const text = new TextEncoder().encode('97144483 151542464 30\n');
    expect(parseRunDelay(text, text.length)).toBe(151_542_464);
    const bad = new TextEncoder().encode('97144483\n');
    expect(parseRunDelay(bad, bad.length)).toBeNaN();
  });

  it.runIf(fs.existsSync('/proc/thread-self/schedstat'))('reads this thread’s wait for a CPU from the kernel, never going back', () => {
    expect(waitClockAvailable()).toBe(true);
    const clock = threadWaitClock();
    const first = clock();
    expect(first).toBeGreaterThanOrEqual(0);
    expect(clock()).toBeGreaterThanOrEqual(first);
  });
});
