// The relay's write path: records written at the sequence they carry, bit-for-bit, so a
// reader of the relay's ring sees the publisher's records; a jump in the received
// sequence is a gap its readers count exactly, and the ring may start at any sequence.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { RECORD_WORDS } from '../../runtime/record/record-layout.ts';
import { BroadcastReceiver } from '../../runtime/ring/broadcast-receiver.ts';
import { allocateSharedRing } from '../../runtime/ring/ring-memory.ts';
import { SequencedTransmitter } from '../../runtime/ring/sequenced-transmitter.ts';

/** A record with the given sequence and every other word random (as received from TCP). */
function receivedRecord(sequence: number, seed: number): Int32Array {
  const words = new Int32Array(RECORD_WORDS);
  let state = seed | 1;
  for (let i = 2; i < RECORD_WORDS; i++) {
    state = Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) | 1;
    words[i] = state;
  }
  new MarketDataRecord(words).sequence = sequence;
  return words;
}

function drain(receiver: BroadcastReceiver): Int32Array[] {
  const got: Int32Array[] = [];
  receiver.poll((record) => got.push(record.words.slice(record.base, record.base + RECORD_WORDS)), 1 << 20);
  return got;
}

describe('SequencedTransmitter', () => {
  it('writes each record at its own sequence, bit-for-bit, and readers count the jumps as gaps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 200 }),
        (first, steps) => {
          const { ring } = allocateSharedRing({ capacity: 64, mode: 'broadcast', consumerSlots: 0 }, first);
          const transmitter = new SequencedTransmitter(ring);
          const receiver = new BroadcastReceiver(ring, 'latest');
          expect(receiver.nextSequence).toBe(first);
          let sequence = first;
          let expectedLost = 0;
          let expectedGaps = 0;
          for (const [i, step] of steps.entries()) {
            // Steps of 1 are contiguous; a step of k > 1 skips k-1 records (a gap).
            if (i > 0) {
              sequence += step;
              if (step > 1) {
                expectedLost += step - 1;
                expectedGaps++;
              }
            }
            const sent = receivedRecord(sequence, i + 1);
            expect(transmitter.write(sent, 0)).toBe(true);
            const got = drain(receiver);
            expect(got).toEqual([sent]);
          }
          expect(transmitter.skippedRecords).toBe(expectedLost);
          expect(receiver.lostRecords).toBe(expectedLost);
          expect(receiver.gaps).toBe(expectedGaps);
          expect(transmitter.nextSequence).toBe(sequence + 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never lets a never-written slot pass for a record: a ring at 0 whose first record is later', () => {
    // A zeroed slot carries the stamp of sequence 0: skipped, it must not read as a record.
    const { ring } = allocateSharedRing({ capacity: 16, mode: 'broadcast', consumerSlots: 0 }, 0);
    const transmitter = new SequencedTransmitter(ring);
    const receiver = new BroadcastReceiver(ring, 'latest');
    const sent = receivedRecord(5, 9);
    transmitter.write(sent, 0);
    expect(drain(receiver)).toEqual([sent]);
    expect(receiver.lostRecords).toBe(5);
    expect(receiver.gaps).toBe(1);
  });

  it("an 'oldest' reader of a ring that started mid-stream begins at the ring's first record: no false loss, no empty slot read", () => {
    const { ring } = allocateSharedRing({ capacity: 64, mode: 'broadcast', consumerSlots: 0 }, 1000);
    const transmitter = new SequencedTransmitter(ring);
    const sent = [1000, 1001, 1002].map((sequence) => receivedRecord(sequence, sequence));
    for (const record of sent) transmitter.write(record, 0);
    const receiver = new BroadcastReceiver(ring, 'oldest');
    expect(drain(receiver)).toEqual(sent);
    expect(receiver.lostRecords).toBe(0);
    expect(receiver.gaps).toBe(0);
  });

  it('refuses a record that is not after the last one written (the ring never goes back)', () => {
    const { ring } = allocateSharedRing({ capacity: 16, mode: 'broadcast', consumerSlots: 0 }, 100);
    const transmitter = new SequencedTransmitter(ring);
    expect(transmitter.write(receivedRecord(100, 1), 0)).toBe(true);
    expect(transmitter.write(receivedRecord(100, 2), 0)).toBe(false);
    expect(transmitter.write(receivedRecord(7, 3), 0)).toBe(false);
    expect(transmitter.refusedRecords).toBe(2);
    expect(transmitter.nextSequence).toBe(101);
  });

  it('reads its source at any word offset (a record inside a TCP frame batch)', () => {
    const { ring } = allocateSharedRing({ capacity: 16, mode: 'broadcast', consumerSlots: 0 }, 0);
    const transmitter = new SequencedTransmitter(ring);
    const receiver = new BroadcastReceiver(ring, 'latest');
    const batch = new Int32Array(3 * RECORD_WORDS);
    batch.set(receivedRecord(0, 5), 0);
    batch.set(receivedRecord(1, 6), RECORD_WORDS);
    batch.set(receivedRecord(2, 7), 2 * RECORD_WORDS);
    for (let i = 0; i < 3; i++) transmitter.write(batch, i * RECORD_WORDS);
    expect(drain(receiver)).toEqual([0, 1, 2].map((i) => batch.slice(i * RECORD_WORDS, (i + 1) * RECORD_WORDS)));
  });
});
