import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamVerifier } from '../../runtime/consumer/stream-verifier.ts';
import { QuoteGenerator } from '../../runtime/generator/quote-generator.ts';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { RecordType } from '../../runtime/record/record-layout.ts';

function generate(seed: number, instruments: number, count: number): MarketDataRecord[] {
  const generator = new QuoteGenerator({ seed, instruments });
  return Array.from({ length: count }, (_, sequence) => {
    const record = new MarketDataRecord();
    generator.next(record, 1000 + sequence, 2000 + sequence);
    record.sequence = sequence;
    return record;
  });
}

describe('QuoteGenerator', () => {
  it('produces realistic quotes: bid below ask by 1-3 cents, round-lot sizes, known instruments', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 50 }), (seed, instruments) => {
        for (const record of generate(seed, instruments, 500)) {
          expect(record.type).toBe(RecordType.quote);
          expect(record.instrumentId).toBeLessThan(instruments);
          const spreadCents = (record.askPrice - record.bidPrice) / 1_000_000;
          expect([1, 2, 3]).toContain(spreadCents);
          expect(record.bidPrice).toBeGreaterThan(0);
          for (const size of [record.bidSize, record.askSize]) {
            expect(size % 100).toBe(0);
            expect(size).toBeGreaterThanOrEqual(100);
            expect(size).toBeLessThanOrEqual(5000);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('is a pure function of seed and instrument count', () => {
    const a = generate(42, 10, 100).map((r) => r.toFields());
    const b = generate(42, 10, 100).map((r) => r.toFields());
    const c = generate(43, 10, 100).map((r) => r.toFields());
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('walks each bid by at most one tick per quote of that instrument', () => {
    const last = new Map<number, number>();
    for (const record of generate(7, 5, 5000)) {
      const previous = last.get(record.instrumentId);
      if (previous !== undefined) expect(Math.abs(record.bidPrice - previous)).toBeLessThanOrEqual(1_000_000);
      last.set(record.instrumentId, record.bidPrice);
    }
  });
});

describe('StreamVerifier', () => {
  it('accepts the stream, with any records skipped', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }), (keep) => {
        const verifier = new StreamVerifier({ seed: 3, instruments: 4 });
        const records = generate(3, 4, keep.length);
        records.forEach((record, i) => {
          if (keep[i]) expect(verifier.check(record)).toBe(true);
        });
        expect(verifier.mismatches).toBe(0);
      }),
    );
  });

  it('rejects a record with any payload field changed, or going backwards', () => {
    const fields = ['instrumentId', 'bidPrice', 'askPrice', 'bidSize', 'askSize', 'flags'] as const;
    for (const field of fields) {
      const verifier = new StreamVerifier({ seed: 3, instruments: 4 });
      const records = generate(3, 4, 10);
      records[5][field] = records[5][field] + 1;
      const results = records.map((record) => verifier.check(record));
      expect(results.filter((ok) => !ok), field).toHaveLength(1);
      expect(verifier.firstMismatch?.sequence).toBe(5);
    }
    const verifier = new StreamVerifier({ seed: 3, instruments: 4 });
    const records = generate(3, 4, 10);
    verifier.check(records[4]);
    expect(verifier.check(records[2])).toBe(false);
  });
});
