// What every ring reader shares: where the slots are, its cursor, and the cheap test for
// new records (one load of the low word of the writer's position).
import { HeaderWord } from '../shm/segment-layout.ts';
import { readAtomicPosition } from '../shm/atomic-position.ts';
import type { RingMemory } from './ring-memory.ts';

export abstract class RingCursor {
  protected readonly words: Int32Array;
  protected readonly dataWord: number;
  protected readonly mask: number;
  protected readonly capacity: number;
  protected cursor: number;

  constructor(ring: RingMemory, cursor: number) {
    this.words = ring.words;
    this.dataWord = ring.dataWord;
    this.capacity = ring.capacity;
    this.mask = ring.capacity - 1;
    this.cursor = cursor;
  }

  /** Sequence of the next record this reader expects. */
  get nextSequence(): number {
    return this.cursor;
  }

  /** Records published but not yet read by this reader (0 when caught up). */
  lag(): number {
    return this.writerPosition() - this.cursor;
  }

  protected writerPosition(): number {
    return readAtomicPosition(this.words, HeaderWord.writerPosition);
  }

  /** The writer's position, or -1 when it has published nothing new for this reader. */
  protected newHead(): number {
    if (Atomics.load(this.words, HeaderWord.writerPosition) === (this.cursor | 0)) return -1;
    return this.writerPosition();
  }
}
