// One side of a book: its price levels, each a FIFO queue of order rows in an OrderPool.
//
// Levels are rows of parallel typed arrays (recycled through a free list), and the side
// keeps its levels sorted by a key that grows towards the best price (price for bids,
// -price for asks), so the best level is the last one: the levels that change most sit at
// the end of the sorted arrays, where inserting or removing one moves few entries. A
// price is found by binary search over the sorted keys. Nothing is allocated once the
// arrays have grown to the number of levels in use.
import { NONE, type OrderPool, grown } from './order-pool.ts';

export class PriceLadder {
  /** +1 for bids, -1 for asks: key = sign * price, ascending towards the best price. */
  readonly sign: number;
  private readonly orders: OrderPool;

  levelPrices: Float64Array;
  levelQuantities: Float64Array;
  levelOrderCounts: Int32Array;
  levelHeads: Int32Array;
  levelTails: Int32Array;
  private freeLevel = NONE;
  private levelHighWater = 0;

  /** Sorted keys (worst first) and the level row of each. */
  private keys: Float64Array;
  private sortedLevels: Int32Array;
  /** Number of non-empty levels. */
  size = 0;
  /**
   * Quantity resting on the whole side. The book keeps it a safe integer, so that every
   * level total (a part of it) stays an exact sum.
   */
  totalQuantity = 0;

  constructor(sign: number, orders: OrderPool, initialLevels = 256) {
    const capacity = Math.max(1, initialLevels);
    this.sign = sign;
    this.orders = orders;
    this.levelPrices = new Float64Array(capacity);
    this.levelQuantities = new Float64Array(capacity);
    this.levelOrderCounts = new Int32Array(capacity);
    this.levelHeads = new Int32Array(capacity);
    this.levelTails = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.sortedLevels = new Int32Array(capacity);
  }

  /** Level row at the given depth (0 = best), or NONE. */
  levelAt(depth: number): number {
    return depth < this.size ? this.sortedLevels[this.size - 1 - depth] : NONE;
  }

  /** Price of the best level; undefined when the side is empty. */
  bestPrice(): number | undefined {
    return this.size === 0 ? undefined : this.levelPrices[this.sortedLevels[this.size - 1]];
  }

  /** Level row holding this price, or NONE (also for a price that is no integer: NaN compares with nothing). */
  find(price: number): number {
    if (!Number.isSafeInteger(price)) return NONE;
    const index = this.search(this.sign * price);
    return index >= 0 ? this.sortedLevels[index] : NONE;
  }

  /** Appends an order row to the back of the queue at `price`, creating the level. */
  append(row: number, price: number): void {
    const orders = this.orders;
    const level = this.findOrCreate(price);
    const tail = this.levelTails[level];
    orders.levels[row] = level;
    orders.prev[row] = tail;
    orders.next[row] = NONE;
    if (tail === NONE) this.levelHeads[level] = row;
    else orders.next[tail] = row;
    this.levelTails[level] = row;
    this.levelOrderCounts[level]++;
    this.levelQuantities[level] += orders.quantities[row];
    this.totalQuantity += orders.quantities[row];
  }

  /** Takes quantity off an order that stays in its queue. */
  reduce(row: number, quantity: number): void {
    this.orders.quantities[row] -= quantity;
    this.levelQuantities[this.orders.levels[row]] -= quantity;
    this.totalQuantity -= quantity;
  }

  /** Unlinks an order row from its queue, dropping the level when it empties. */
  unlink(row: number): void {
    const orders = this.orders;
    const level = orders.levels[row];
    const prev = orders.prev[row];
    const next = orders.next[row];
    if (prev === NONE) this.levelHeads[level] = next;
    else orders.next[prev] = next;
    if (next === NONE) this.levelTails[level] = prev;
    else orders.prev[next] = prev;
    this.levelQuantities[level] -= orders.quantities[row];
    this.totalQuantity -= orders.quantities[row];
    if (--this.levelOrderCounts[level] === 0) this.removeLevel(level);
  }

  private findOrCreate(price: number): number {
    const key = this.sign * price;
    const index = this.search(key);
    if (index >= 0) return this.sortedLevels[index];
    const at = -index - 1;
    if (this.size === this.keys.length) {
      this.keys = grown(this.keys, new Float64Array(this.size * 2));
      this.sortedLevels = grown(this.sortedLevels, new Int32Array(this.size * 2));
    }
    const keys = this.keys;
    const sortedLevels = this.sortedLevels;
    // A loop, not copyWithin: the builtin's call costs more than the few entries moved
    // (new levels open near the best price, at the end).
    for (let index = this.size; index > at; index--) {
      keys[index] = keys[index - 1];
      sortedLevels[index] = sortedLevels[index - 1];
    }
    const level = this.allocateLevel();
    keys[at] = key;
    sortedLevels[at] = level;
    this.size++;
    this.levelPrices[level] = price;
    this.levelQuantities[level] = 0;
    this.levelOrderCounts[level] = 0;
    this.levelHeads[level] = NONE;
    this.levelTails[level] = NONE;
    return level;
  }

  private removeLevel(level: number): void {
    const index = this.search(this.sign * this.levelPrices[level]);
    const keys = this.keys;
    const sortedLevels = this.sortedLevels;
    const last = --this.size;
    for (let at = index; at < last; at++) {
      keys[at] = keys[at + 1];
      sortedLevels[at] = sortedLevels[at + 1];
    }
    this.levelHeads[level] = this.freeLevel;
    this.freeLevel = level;
  }

  /** Index of `key` in the sorted keys, or -(insertion point) - 1. */
  private search(key: number): number {
    const keys = this.keys;
    let low = 0;
    let high = this.size - 1;
    // Most updates are at or near the best price, which is the last key.
    if (high >= 0 && keys[high] <= key) {
      if (keys[high] === key) return high;
      return -(high + 1) - 1;
    }
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = keys[mid];
      if (at < key) low = mid + 1;
      else if (at > key) high = mid - 1;
      else return mid;
    }
    return -low - 1;
  }

  private allocateLevel(): number {
    const free = this.freeLevel;
    if (free !== NONE) {
      this.freeLevel = this.levelHeads[free];
      return free;
    }
    if (this.levelHighWater === this.levelPrices.length) {
      const capacity = this.levelPrices.length * 2;
      this.levelPrices = grown(this.levelPrices, new Float64Array(capacity));
      this.levelQuantities = grown(this.levelQuantities, new Float64Array(capacity));
      this.levelOrderCounts = grown(this.levelOrderCounts, new Int32Array(capacity));
      this.levelHeads = grown(this.levelHeads, new Int32Array(capacity));
      this.levelTails = grown(this.levelTails, new Int32Array(capacity));
    }
    return this.levelHighWater++;
  }
}
