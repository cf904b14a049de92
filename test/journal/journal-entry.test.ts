// The 64-byte journal entry: every field survives a write and a read (a fast-check round trip
// over the whole range of each field), at the byte offsets the layout table documents.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JOURNAL_ENTRY_WORDS, JournalOffset } from '../../runtime/journal/journal-entry-layout.ts';
import { JournalEntry, readJournalFields, writeJournalFields, type JournalEntryFields } from '../../runtime/journal/journal-entry.ts';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u53 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const i53 = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

const entryArbitrary: fc.Arbitrary<JournalEntryFields> = fc.record({
  sequence: u53,
  monotonicNs: u53,
  wallNs: u53,
  kind: u8,
  side: u8,
  execType: u8,
  ordStatus: u8,
  instrument: u32,
  orderCounter: u53,
  price: i53,
  quantity: u32,
  cumQuantity: u32,
  leavesQuantity: u32,
  reason: u16,
  flags: u16,
});

describe('JournalEntry', () => {
  it('round-trips every field at any slot of a buffer', () => {
    fc.assert(
      fc.property(entryArbitrary, fc.integer({ min: 0, max: 3 }), (fields, slot) => {
        const words = new Int32Array(4 * JOURNAL_ENTRY_WORDS).fill(-1);
        writeJournalFields(fields, words, slot * JOURNAL_ENTRY_WORDS);
        expect(readJournalFields(words, slot * JOURNAL_ENTRY_WORDS)).toEqual(fields);
        // The other slots are untouched.
        for (let i = 0; i < words.length; i++) if (Math.floor(i / JOURNAL_ENTRY_WORDS) !== slot) expect(words[i]).toBe(-1);
      }),
      { numRuns: 500 },
    );
  });

  it('puts each field at the byte offset of the layout table, little-endian', () => {
    const words = new Int32Array(JOURNAL_ENTRY_WORDS);
    const entry = new JournalEntry(words, 0);
    entry.sequence = 0x0102_0304_0506;
    entry.setCodes(4, 2, 0x46, 0x31);
    entry.instrument = 7;
    entry.orderCounter = 123_456;
    entry.price = -5;
    entry.quantity = 100;
    entry.cumQuantity = 40;
    entry.leavesQuantity = 60;
    entry.setReasonFlags(9, 1);
    const view = new DataView(words.buffer);
    expect(view.getBigUint64(JournalOffset.sequence, true)).toBe(0x0102_0304_0506n);
    expect([view.getUint8(JournalOffset.kind), view.getUint8(JournalOffset.side), view.getUint8(JournalOffset.execType), view.getUint8(JournalOffset.ordStatus)]).toEqual([4, 2, 0x46, 0x31]);
    expect(view.getUint32(JournalOffset.instrument, true)).toBe(7);
    expect(view.getBigUint64(JournalOffset.orderCounter, true)).toBe(123_456n);
    expect(view.getBigInt64(JournalOffset.price, true)).toBe(-5n);
    expect(view.getUint32(JournalOffset.quantity, true)).toBe(100);
    expect(view.getUint32(JournalOffset.cumQuantity, true)).toBe(40);
    expect(view.getUint32(JournalOffset.leavesQuantity, true)).toBe(60);
    expect(view.getUint16(JournalOffset.reason, true)).toBe(9);
    expect(view.getUint16(JournalOffset.flags, true)).toBe(1);
    entry.origOrderCounter = 2 ** 40 + 3;
    expect(view.getBigUint64(JournalOffset.origOrderCounter, true)).toBe(2n ** 40n + 3n);
  });
});
