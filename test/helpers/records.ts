// Records for tests: arbitrary field values within the binary format's exact range, and
// a payload derived from the sequence so any record can be checked for tearing.
import fc from 'fast-check';
import { MarketDataRecord, type RecordFields } from '../../runtime/record/market-data-record.ts';
import { RecordType } from '../../runtime/record/record-layout.ts';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u64 = fc.maxSafeNat();
const i64 = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

export const arbitraryRecordFields: fc.Arbitrary<RecordFields> = fc.record({
  sequence: u64,
  publishTimeNs: u64,
  sourceTimeNs: u64,
  instrumentId: u32,
  type: fc.constant(RecordType.quote),
  flags: fc.integer({ min: 0, max: 0xffff }),
  bidPrice: i64,
  askPrice: i64,
  bidSize: u32,
  askSize: u32,
});

/** Writes a payload that is a pure function of the sequence (the sequence itself is the ring's). */
export function writePayloadFor(record: MarketDataRecord, sequence: number): void {
  const x = Math.imul(sequence | 0, 0x9e37_79b1) >>> 0;
  record.setQuote(sequence * 3, sequence * 5, x, RecordType.quote, sequence & 0xffff, sequence * 7 - 1e9, sequence * 11, x ^ 0x5555, (x >>> 3) + 1);
}

/** True when record holds exactly the payload writePayloadFor wrote for its sequence. */
export function hasPayloadOf(record: MarketDataRecord, sequence: number): boolean {
  const expected = new MarketDataRecord();
  writePayloadFor(expected, sequence);
  for (let i = 2; i < 16; i++) if (record.words[record.base + i] !== expected.words[i]) return false;
  return record.sequence === sequence;
}
