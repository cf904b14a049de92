// Where sequence s lives in a ring: slot (s mod capacity), 16 Int32 words per slot.
// s is a Number up to 2^53; `s & mask` takes s mod 2^32 first, which is fine because the
// capacity is a power of two that divides 2^32.
import { RECORD_WORDS, TWO_POW_32 } from '../record/record-layout.ts';

export function slotWord(dataWord: number, mask: number, sequence: number): number {
  return dataWord + (sequence & mask) * RECORD_WORDS;
}

/** High word of a sequence, as stored in a record's sequence field. */
export function sequenceHigh(sequence: number): number {
  return (sequence / TWO_POW_32) | 0;
}
