// The writer of a relay's broadcast ring: it writes each received record at the sequence
// the record carries, instead of numbering records itself, so the ring holds the
// publisher's records bit-for-bit (sequence, timestamps, payload) and a reader of the
// relay's segment sees what a reader of the publisher's would. A record further ahead
// than the next slot (records lost upstream) leaves the slots between with their old
// stamps: readers count them as lost, exactly, as they count a lap. The ring never goes
// back: a record not after the last one is refused (counted).
//
// A separate class, not a mode of BroadcastTransmitter, so the publisher's own write path
// (claim, fill, commit) stays exactly as it was.
import { copyRecordWords } from '../record/market-data-record.ts';
import { TWO_POW_32, Word } from '../record/record-layout.ts';
import type { RingMemory } from './ring-memory.ts';
import { RingWriter } from './ring-writer.ts';
import { slotWord } from './slot.ts';

export class SequencedTransmitter extends RingWriter {
  recordsWritten = 0;
  /** Sequence numbers jumped over: records lost before they reached this writer. */
  skippedRecords = 0;
  /** Records refused because their sequence was not after the last one written. */
  refusedRecords = 0;

  /** Publishes the position after every record: a relay forwards each record as it arrives. */
  constructor(ring: RingMemory) {
    super(ring, { batchSize: 1 });
  }

  /**
   * Writes a copy of the 64-byte record at `words[base…]` at its own sequence; returns false
   * (nothing written) when that sequence is not after the last one written.
   */
  write(words: Int32Array, base: number): boolean {
    const sequence = (words[base + Word.sequenceHi] >>> 0) * TWO_POW_32 + (words[base + Word.sequenceLo] >>> 0);
    if (sequence < this.next) {
      this.refusedRecords++;
      return false;
    }
    if (sequence > this.next) this.skipTo(sequence);
    // claimSlot stamps the low word of `next` (= the record's), commit the high word.
    const slot = this.claimSlot();
    copyRecordWords(words, base, slot.words, slot.base);
    this.commit();
    this.recordsWritten++;
    return true;
  }

  /**
   * Jumps over the sequences before `sequence`. Each skipped slot still in reach of readers
   * gets a stamp no record has (the complement of its sequence): a slot never written holds
   * zeros, which is the stamp of sequence 0, and must not pass for a record. Rare (a loss
   * upstream), and at most `capacity` stores.
   */
  private skipTo(sequence: number): void {
    this.skippedRecords += sequence - this.next;
    for (let skipped = Math.max(this.next, sequence - this.capacity); skipped < sequence; skipped++) {
      Atomics.store(this.words, slotWord(this.dataWord, this.mask, skipped), ~skipped);
    }
    this.next = sequence;
  }
}
