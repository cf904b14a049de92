import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumberIndex } from '../../runtime/oms/number-index.ts';

describe('NumberIndex', () => {
  it('behaves as a Map under random puts and removes, growth and collisions included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ put: fc.boolean(), key: fc.oneof(fc.nat(40), fc.constantFrom(2 ** 53 - 1, 2 ** 32, 2 ** 32 + 16, 4294967295)), value: fc.integer() }), { maxLength: 300 }),
        (ops) => {
          const index = new NumberIndex(2);
          const model = new Map<number, number>();
          for (const { put, key, value } of ops) {
            if (put) {
              index.put(key, value | 0);
              model.set(key, value | 0);
            } else expect(index.remove(key)).toBe(model.delete(key));
            expect(index.size).toBe(model.size);
          }
          for (let k = 0; k <= 40; k++) expect(index.get(k)).toBe(model.get(k) ?? -1);
          for (const [k, v] of model) expect(index.get(k)).toBe(v);
        },
      ),
      { numRuns: 500 },
    );
  });
});
