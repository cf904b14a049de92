import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { measureAllocation } from '../../bench/lib/heap-allocation.ts';
import { CachedNanoClock, monotonicNs, wallClockNs } from '../../runtime/clock/clock.ts';
import { native } from '../../runtime/native/native-addon.ts';

describe('clock', () => {
  it('monotonic time is comparable across processes: send < echo < receive, every round trip', async () => {
    const child = spawn(process.execPath, [new URL('./clock-echo.child.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const violations: string[] = [];
    for (let i = 0; i < 300; i++) {
      const sent = monotonicNs();
      child.stdin.write('\n');
      const echoed = Number((await lines.next()).value);
      const received = monotonicNs();
      if (!(sent < echoed && echoed < received)) violations.push(`${sent} ${echoed} ${received}`);
    }
    child.kill();
    expect(violations).toEqual([]);
  });

  it('monotonic time agrees with process.hrtime.bigint (same CLOCK_MONOTONIC)', () => {
    const before = Number(process.hrtime.bigint());
    const ours = monotonicNs();
    const after = Number(process.hrtime.bigint());
    expect(ours).toBeGreaterThanOrEqual(before);
    expect(ours).toBeLessThanOrEqual(after);
  });

  it('wall-clock time is nanoseconds since the epoch', () => {
    const ms = Date.now();
    expect(Math.abs(wallClockNs() / 1e6 - ms)).toBeLessThan(50);
  });

  it('reading the clocks in a hot loop allocates nothing (the native call writes a cell, it returns no heap number)', () => {
    const loop = (reads: number): number => {
      let spread = 0;
      for (let i = 0; i < reads; i++) spread = Math.max(spread, wallClockNs() - monotonicNs());
      return spread;
    };
    // Warm-up rounds let V8 optimize the loop (and inline the clocks); a per-read allocation shows in every round.
    let least = Infinity;
    for (let round = 0; round < 5; round++) {
      const { bytes } = measureAllocation(() => loop(4_000_000));
      if (round >= 2) least = Math.min(least, bytes);
    }
    // 8 M reads: a heap number each would be 128 MB; what is left is the profiler's own ~1 MB.
    expect(least / 8_000_000).toBeLessThan(1);
    // The native functions' other form, which returns the double, does allocate: the test can tell.
    const boxing = measureAllocation(() => {
      let latest = 0;
      for (let i = 0; i < 4_000_000; i++) latest = Math.max(latest, native.monotonicNs());
      return latest;
    });
    expect(boxing.bytes / 4_000_000).toBeGreaterThan(8);
  });

  it('bindClockCell wants a Float64Array of two', () => {
    expect(() => native.bindClockCell(new Float64Array(1))).toThrow(/Float64Array of at least 2/);
    expect(() => native.bindClockCell(new Int32Array(4) as unknown as Float64Array)).toThrow(TypeError);
  });

  it('a cached clock serves the value of its last update', () => {
    let now = 100;
    const clock = new CachedNanoClock(() => now);
    now = 200;
    expect(clock.nanoTime()).toBe(100);
    expect(clock.update()).toBe(200);
    expect(clock.nanoTime()).toBe(200);
  });
});
