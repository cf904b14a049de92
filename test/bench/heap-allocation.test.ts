// marginalAllocation, which the fix and book benches judge their "allocates nothing"
// targets on: a run's fixed allocation cancels out, and a small allocation per unit shows.
import { describe, expect, it } from 'vitest';
import { marginalAllocation, reportedBytesPerUnit } from '../../bench/lib/heap-allocation.ts';

const UNITS = 1_000_000;
/** Where the runs keep what they allocate, so that V8 cannot drop the allocation. */
const kept: unknown[] = new Array<unknown>(1024).fill(undefined);
let sink = 0;

/** n units of arithmetic, plus a fixed 256 kB array per run (whatever n). */
function fixedCostOnly(n: number): void {
  kept[0] = new Array<number>(64 * 1024).fill(0);
  let total = 0;
  for (let k = 0; k < n; k++) total = (total + k) & 0x3fffffff;
  sink += total;
}

/** The same, plus one small object ({ k }: 32 B in V8 today) every 64 units. */
function objectEvery64(n: number): void {
  kept[0] = new Array<number>(64 * 1024).fill(0);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total = (total + k) & 0x3fffffff;
    if ((k & 63) === 0) kept[(k >> 6) & 1023] = { k };
  }
  sink += total;
}

describe('marginalAllocation', () => {
  it('cancels a fixed cost that a per-unit average of one run would count', () => {
    for (let round = 0; round < 3; round++) fixedCostOnly(UNITS);
    const result = marginalAllocation(fixedCostOnly, UNITS);
    expect(result.units).toBe(UNITS);
    // Each run allocated its 256 kB array: a total per unit would be > 0.25 B; the marginal figure is about 0.
    expect(result.single.bytes).toBeGreaterThan(256 * 1024);
    expect(Math.abs(result.bytesPerUnit)).toBeLessThan(0.05);
    expect(reportedBytesPerUnit(-0.0004)).toBe(0);
    expect(sink).toBeGreaterThan(0);
  });

  it('shows one small object every 64 units as about half a byte per unit (the benches\' threshold)', () => {
    for (let round = 0; round < 3; round++) objectEvery64(UNITS);
    const { bytesPerUnit } = marginalAllocation(objectEvery64, UNITS);
    expect(bytesPerUnit).toBeGreaterThanOrEqual(0.4);
    expect(bytesPerUnit).toBeLessThan(1.2);
  });

  it('wants a whole number of units', () => {
    expect(() => marginalAllocation(fixedCostOnly, 0)).toThrow(/positive integer/);
    expect(() => marginalAllocation(fixedCostOnly, 1.5)).toThrow(/positive integer/);
  });
});
