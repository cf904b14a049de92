// IdIndex against a Map: random sets, deletes and lookups of colliding and far-apart ids
// (negative, small, and near 2^53), starting small so that growth and backward-shift
// deletion across the table's wrap-around are exercised.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../runtime/book/id-index.ts';

const ids = fc.oneof(
  { arbitrary: fc.integer({ min: -4, max: 12 }), weight: 3 },
  { arbitrary: fc.integer({ min: -20, max: 40 }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 40 }).map((offset) => Number.MAX_SAFE_INTEGER - offset), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 40 }).map((offset) => offset * 4294967296), weight: 1 },
  // Structured ids that differ only in high bits of the low word.
  { arbitrary: fc.integer({ min: 0, max: 40 }).map((i) => i * 2 ** 24), weight: 1 },
);

describe('IdIndex', () => {
  it('behaves like a Map of id to row', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('set', 'delete', 'get'), ids, fc.nat(1000)), { maxLength: 300 }), (steps) => {
        const index = new IdIndex(1);
        const model = new Map<number, number>();
        for (const [op, id, row] of steps) {
          if (op === 'set') {
            index.set(id, row);
            model.set(id, row);
          } else if (op === 'delete') {
            expect(index.delete(id)).toBe(model.delete(id));
          }
          expect(index.get(id)).toBe(model.get(id) ?? -1);
          expect(index.size).toBe(model.size);
        }
        for (const [id, row] of model) expect(index.get(id)).toBe(row);
        const seen = new Map<number, number>();
        index.forEach((row, id) => seen.set(id, row));
        expect(seen).toEqual(model);
        index.clear();
        expect([index.size, index.has(steps[0]?.[1] ?? 0)]).toEqual([0, false]);
      }),
      { numRuns: 400 },
    );
  });

  it('spreads structured ids over the table: sequential, strided in the low word, and in the high word', () => {
    const patterns: [string, (i: number) => number][] = [
      ['sequential', (i) => 1_000_000 + i],
      ['(i << 20) | 7', (i) => i * 2 ** 20 + 7],
      ['i * 2^24', (i) => i * 2 ** 24],
      ['i * 2^32', (i) => i * 2 ** 32],
      ['exchange-style 10^9 + 1000 i', (i) => 1e9 + 1000 * i],
    ];
    for (const [name, idOf] of patterns) {
      const index = new IdIndex(1024);
      const count = 255;
      for (let i = 0; i < count; i++) index.set(idOf(i), i);
      let probes = 0;
      for (let i = 0; i < count; i++) probes += index.probeLength(idOf(i));
      // At a load of 1/8, a well-mixed hash averages close to one probe.
      expect(probes / count, name).toBeLessThan(1.5);
    }
  });
});
