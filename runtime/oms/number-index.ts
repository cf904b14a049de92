// A map from a non-negative integer key (< 2^53) to an int32 value in typed arrays: open
// addressing with linear probing and backward-shift deletion, so that put, get and remove
// create no object (a Map's entries are heap objects and its table reallocates as it churns).
// Doubles (rarely) past a 1/2 load factor.
const EMPTY = -1;

export class NumberIndex {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.keys = new Float64Array(slots).fill(EMPTY);
    this.values = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** The value of `key`, or -1. */
  get(key: number): number {
    const keys = this.keys;
    for (let slot = this.slotOf(key); ; slot = (slot + 1) & this.mask) {
      const k = keys[slot];
      if (k === key) return this.values[slot];
      if (k === EMPTY) return -1;
    }
  }

  put(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    for (let slot = this.slotOf(key); ; slot = (slot + 1) & this.mask) {
      const k = keys[slot];
      if (k === key) {
        this.values[slot] = value;
        return;
      }
      if (k === EMPTY) {
        keys[slot] = key;
        this.values[slot] = value;
        this.size++;
        return;
      }
    }
  }

  /** Removes `key`; whether it was there. */
  remove(key: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    let slot = this.slotOf(key);
    for (; ; slot = (slot + 1) & mask) {
      const k = keys[slot];
      if (k === EMPTY) return false;
      if (k === key) break;
    }
    // Backward shift: pull later members of the probe run into the hole so lookups never stop early.
    let hole = slot;
    for (let next = (hole + 1) & mask; keys[next] !== EMPTY; next = (next + 1) & mask) {
      const home = this.slotOf(keys[next]);
      const distanceNext = (next - home) & mask;
      const distanceHole = (hole - home) & mask;
      if (distanceHole < distanceNext || distanceHole === distanceNext) {
        keys[hole] = keys[next];
        this.values[hole] = this.values[next];
        hole = next;
      }
    }
    keys[hole] = EMPTY;
    this.size--;
    return true;
  }

  private slotOf(key: number): number {
    // Mix the low and high 32 bits (keys reach 2^53) with Knuth's multiplicative hash.
    const low = key >>> 0;
    const high = (key / 4294967296) >>> 0;
    return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> 0 & this.mask;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(keys.length * 2).fill(EMPTY);
    this.values = new Int32Array(keys.length * 2);
    this.mask = keys.length * 2 - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.put(keys[i], values[i]);
  }
}
