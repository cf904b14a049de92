// Duplicate ClOrdID detection without a growing set: ClOrdID counters come from one increasing
// generator, so a bitmap over the last WINDOW counters below the highest seen tells a reuse.
// A counter older than the window cannot be told apart and is refused as a duplicate too (an
// order that old is never legitimately new). Counters are non-negative safe integers.

export const CLORDID_WINDOW = 1 << 16;
const WORDS = CLORDID_WINDOW >>> 5;

export class ClOrdIdWindow {
  private readonly bits = new Uint32Array(WORDS);
  private highest = -1;

  /** True when `counter` was marked before (or is below the window). */
  seen(counter: number): boolean {
    if (counter > this.highest) return false;
    if (counter <= this.highest - CLORDID_WINDOW) return true;
    const slot = counter % CLORDID_WINDOW;
    return (this.bits[slot >>> 5] & (1 << (slot & 31))) !== 0;
  }

  mark(counter: number): void {
    if (counter > this.highest) {
      // The slots between the old highest and counter now stand for new counters: clear them.
      if (counter - this.highest >= CLORDID_WINDOW) {
        this.bits.fill(0);
      } else {
        for (let c = this.highest + 1; c < counter; c++) {
          const slot = c % CLORDID_WINDOW;
          this.bits[slot >>> 5] &= ~(1 << (slot & 31));
        }
      }
      this.highest = counter;
    }
    const slot = counter % CLORDID_WINDOW;
    this.bits[slot >>> 5] |= 1 << (slot & 31);
  }
}
