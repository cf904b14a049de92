// Single writer of a backpressure ring: it never overwrites a record that one of the
// ring's consumers has not read. Each consumer slot in the header holds that consumer's
// read position; the writer may run at most `capacity` records ahead of the slowest.
// It caches that minimum and re-reads the slots only when the cache says "full".
import { MarketDataRecord } from '../record/market-data-record.ts';
import { HeaderWord, ConsumerSlotWord, consumerSlotWord } from '../shm/segment-layout.ts';
import { AtomicPositionWriter, readAtomicPosition } from '../shm/atomic-position.ts';
import type { TransmitterOptions } from './broadcast-transmitter.ts';
import type { RecordTransmitter } from './record-transmitter.ts';
import type { RingMemory } from './ring-memory.ts';
import { sequenceHigh, slotWord } from './slot.ts';

export class GatedTransmitter implements RecordTransmitter {
  fullCount = 0;
  private readonly words: Int32Array;
  private readonly dataWord: number;
  private readonly mask: number;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly consumerPositionWords: number[];
  private readonly position: AtomicPositionWriter;
  private readonly record = new MarketDataRecord();
  private next: number;
  private published: number;
  private gate: number;
  private claimedWord = -1;

  constructor(ring: RingMemory, options: TransmitterOptions = {}) {
    if (ring.consumerSlots < 1) throw new Error('a backpressure ring needs at least one consumer slot');
    this.words = ring.words;
    this.dataWord = ring.dataWord;
    this.capacity = ring.capacity;
    this.mask = ring.capacity - 1;
    this.batchSize = Math.max(1, options.batchSize ?? 1);
    this.consumerPositionWords = Array.from({ length: ring.consumerSlots }, (_, slot) => consumerSlotWord(slot) + ConsumerSlotWord.position);
    this.position = new AtomicPositionWriter(ring.words, HeaderWord.writerPosition);
    this.next = readAtomicPosition(ring.words, HeaderWord.writerPosition);
    this.published = this.next;
    this.gate = this.slowestConsumer();
  }

  get nextSequence(): number {
    return this.next;
  }

  /** Read position of the slowest consumer slot (claimed or not: a free slot waits for its consumer). */
  slowestConsumer(): number {
    let slowest = Number.MAX_SAFE_INTEGER;
    for (const word of this.consumerPositionWords) slowest = Math.min(slowest, readAtomicPosition(this.words, word));
    return slowest;
  }

  tryClaim(): MarketDataRecord | null {
    if (this.next - this.gate >= this.capacity) {
      this.gate = this.slowestConsumer();
      if (this.next - this.gate >= this.capacity) {
        // Consumers can only free space for records they can see.
        this.flush();
        this.fullCount++;
        return null;
      }
    }
    const word = slotWord(this.dataWord, this.mask, this.next);
    this.claimedWord = word;
    return this.record.wrap(this.words, word);
  }

  commit(): void {
    this.words[this.claimedWord] = this.next | 0;
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
