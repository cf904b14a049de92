// A 64-bit position (a count of records) with one writer and any number of readers,
// kept in two Int32 words so that it can be read and written with Atomics and without
// BigInt. Positions are Numbers: exact up to 2^53.
//
// The high word changes once every 2^32 records. Around that change the writer first
// marks the high word BUSY, then stores the low word, then the new high word; a reader
// reads high, low, high and retries if the two high words differ or are BUSY. On x86-64
// (total store order) this yields a value the writer really stored. Between changes of
// the high word a store is a single Atomics.store of the low word.
import { TWO_POW_32 } from '../record/record-layout.ts';

const BUSY = -1;

export class AtomicPositionWriter {
  private readonly words: Int32Array;
  private readonly lo: number;
  private hi: number;

  constructor(words: Int32Array, loWord: number) {
    this.words = words;
    this.lo = loWord;
    this.hi = Atomics.load(words, loWord + 1);
  }

  set(position: number): void {
    const hi = Math.floor(position / TWO_POW_32);
    const lo = (position - hi * TWO_POW_32) | 0;
    if (hi !== this.hi) {
      Atomics.store(this.words, this.lo + 1, BUSY);
      Atomics.store(this.words, this.lo, lo);
      Atomics.store(this.words, this.lo + 1, hi);
      this.hi = hi;
    } else {
      Atomics.store(this.words, this.lo, lo);
    }
  }
}

/** Reads a position; spins only in the nanoseconds around a change of the high word. */
export function readAtomicPosition(words: Int32Array, loWord: number): number {
  for (;;) {
    const hi1 = Atomics.load(words, loWord + 1);
    const lo = Atomics.load(words, loWord);
    const hi2 = Atomics.load(words, loWord + 1);
    if (hi1 === hi2 && hi1 !== BUSY) return hi1 * TWO_POW_32 + (lo >>> 0);
  }
}

/** The low 32 bits only: one load, enough to tell "nothing new" on a hot poll. */
export function readAtomicPositionLow(words: Int32Array, loWord: number): number {
  return Atomics.load(words, loWord);
}
