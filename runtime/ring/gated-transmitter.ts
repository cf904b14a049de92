// Single writer of a backpressure ring: it never overwrites a record that one of the
// ring's consumers has not read. Each consumer slot in the header holds that consumer's
// read position; the writer may run at most `capacity` records ahead of the slowest.
// It caches that minimum and re-reads the slots only when the cache says "full".
import type { MarketDataRecord } from '../record/market-data-record.ts';
import { ConsumerSlotWord, consumerSlotWord } from '../shm/segment-layout.ts';
import { readAtomicPosition } from '../shm/atomic-position.ts';
import type { RecordTransmitter } from './record-transmitter.ts';
import type { RingMemory } from './ring-memory.ts';
import { RingWriter, type TransmitterOptions } from './ring-writer.ts';

export class GatedTransmitter extends RingWriter implements RecordTransmitter {
  private readonly consumerPositionWords: number[];
  private gate: number;

  constructor(ring: RingMemory, options: TransmitterOptions = {}) {
    super(ring, options);
    if (ring.consumerSlots < 1) throw new Error('a backpressure ring needs at least one consumer slot');
    this.consumerPositionWords = Array.from({ length: ring.consumerSlots }, (_, slot) => consumerSlotWord(slot) + ConsumerSlotWord.position);
    this.gate = this.slowestConsumer();
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
    return this.claimSlot();
  }
}
