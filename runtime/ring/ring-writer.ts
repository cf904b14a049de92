// What both ring writers share: claim the slot of the next sequence (stamping the low word
// of its sequence first, which invalidates the slot's previous record for broadcast
// readers), commit it (the high word), and publish the position per record or per batch.
import { MarketDataRecord } from '../record/market-data-record.ts';
import { HeaderWord } from '../shm/segment-layout.ts';
import { AtomicPositionWriter, readAtomicPosition } from '../shm/atomic-position.ts';
import type { RingMemory } from './ring-memory.ts';
import { sequenceHigh, slotWord } from './slot.ts';

export interface TransmitterOptions {
  /** Publish the position once per this many records (1 = every record). */
  batchSize?: number;
}

export abstract class RingWriter {
  fullCount = 0;
  protected readonly words: Int32Array;
  protected readonly capacity: number;
  protected next: number;
  protected readonly dataWord: number;
  protected readonly mask: number;
  private readonly batchSize: number;
  private readonly position: AtomicPositionWriter;
  private readonly record = new MarketDataRecord();
  private published: number;
  private claimedWord = -1;

  constructor(ring: RingMemory, options: TransmitterOptions) {
    this.words = ring.words;
    this.dataWord = ring.dataWord;
    this.capacity = ring.capacity;
    this.mask = ring.capacity - 1;
    this.batchSize = Math.max(1, options.batchSize ?? 1);
    this.position = new AtomicPositionWriter(ring.words, HeaderWord.writerPosition);
    this.next = readAtomicPosition(ring.words, HeaderWord.writerPosition);
    this.published = this.next;
  }

  /** Sequence of the next record to be claimed (= records committed so far). */
  get nextSequence(): number {
    return this.next;
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

  protected claimSlot(): MarketDataRecord {
    const word = slotWord(this.dataWord, this.mask, this.next);
    Atomics.store(this.words, word, this.next | 0);
    this.claimedWord = word;
    return this.record.wrap(this.words, word);
  }
}
