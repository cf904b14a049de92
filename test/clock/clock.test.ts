import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { CachedNanoClock, monotonicNs, wallClockNs } from '../../runtime/clock/clock.ts';

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

  it('a cached clock serves the value of its last update', () => {
    let now = 100;
    const clock = new CachedNanoClock(() => now);
    now = 200;
    expect(clock.nanoTime()).toBe(100);
    expect(clock.update()).toBe(200);
    expect(clock.nanoTime()).toBe(200);
  });
});
