// Single writer of a broadcast ring: never waits, overwrites the oldest slot. Each slot is
// sequence-stamped so readers can tell a slot overwritten under them (see BroadcastReceiver).
//
// Write order per record: low word of the sequence (Atomics.store: from this moment a reader
// of the slot's previous record sees a different stamp), the payload, the high word, and
// finally the ring position (per record, or once per batch).
import { MarketDataRecord } from '../record/market-data-record.ts';
import { HeaderWord } from '../shm/segment-layout.ts';
import { AtomicPositionWriter, readAtomicPosition } from '../shm/atomic-position.ts';
import type { RecordTransmitter } from './record-transmitter.ts';
import type { RingMemory } from './ring-memory.ts';
import { sequenceHigh, slotWord } from './slot.ts';

export interface TransmitterOptions {
  /** Publish the position once per this many records (1 = every record). */
  batchSize?: number;
}

export class BroadcastTransmitter implements RecordTransmitter {
  readonly fullCount = 0;
  private readonly words: Int32Array;
  private readonly dataWord: number;
  private readonly mask: number;
  private readonly batchSize: number;
  private readonly position: AtomicPositionWriter;
  private readonly record = new MarketDataRecord();
  private next: number;
  private published: number;
  private claimedWord = -1;

  constructor(ring: RingMemory, options: TransmitterOptions = {}) {
    this.words = ring.words;
    this.dataWord = ring.dataWord;
    this.mask = ring.capacity - 1;
    this.batchSize = Math.max(1, options.batchSize ?? 1);
    this.position = new AtomicPositionWriter(ring.words, HeaderWord.writerPosition);
    this.next = readAtomicPosition(ring.words, HeaderWord.writerPosition);
    this.published = this.next;
  }

  get nextSequence(): number {
    return this.next;
  }

  tryClaim(): MarketDataRecord {
    const word = slotWord(this.dataWord, this.mask, this.next);
    Atomics.store(this.words, word, this.next | 0);
    this.claimedWord = word;
    return this.record.wrap(this.words, word);
  }

  commit(): void {
    this.words[this.claimedWord + 1] = sequenceHigh(this.next);
    this.next++;
    if (this.next - this.published >= this.batchSize) this.flush();
  }

  flush(): void {
    if (this.published !== this.next) {
      this.position.set(this.next);
      this.published = this.next;
    }
  }
}
