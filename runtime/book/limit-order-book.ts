// The limit order book of one instrument: order-level (L3) state with integer prices in
// ticks, a FIFO queue per price level, and O(1) lookup of a resting order by id.
//
// Every operation validates before it changes anything and returns a BookResult: an
// unknown or duplicate id, a bad quantity or price, and an add that would cross or lock
// the book are rejected and leave the book as it was (this book only records resting
// orders; matching an aggressive order is the caller's job, e.g. an exchange simulator).
// Steady-state updates allocate nothing: orders and levels live in typed arrays recycled
// through free lists (OrderPool, PriceLadder), and ids map to rows in a typed-array hash
// table (IdIndex).
import type { BookResult } from './book-result.ts';
import { IdIndex } from './id-index.ts';
import { NONE, OrderPool } from './order-pool.ts';
import { PriceLadder } from './price-ladder.ts';

export type Side = 'buy' | 'sell';

export interface BookOptions {
  /** Order rows allocated up front (the pool doubles when full). */
  initialOrders?: number;
  /** Price levels per side allocated up front. */
  initialLevels?: number;
}

/** A copy of one resting order, for inspection (allocates). */
export interface OrderView {
  id: number;
  side: Side;
  price: number;
  quantity: number;
}

/** Top levels of one side, best first. */
export interface DepthLevels {
  prices: Float64Array;
  quantities: Float64Array;
  orderCounts: Int32Array;
}

const BUY = 0;
const SELL = 1;

export class LimitOrderBook {
  private readonly orders: OrderPool;
  /** Order rows allocated now: past it the pool doubles (a copy of every row). */
  get orderCapacity(): number {
    return this.orders.capacity;
  }
  private readonly bids: PriceLadder;
  private readonly asks: PriceLadder;
  private readonly rowById: IdIndex;

  constructor(options: BookOptions = {}) {
    this.orders = new OrderPool(options.initialOrders ?? 1024);
    this.rowById = new IdIndex(options.initialOrders ?? 1024);
    this.bids = new PriceLadder(1, this.orders, options.initialLevels ?? 256);
    this.asks = new PriceLadder(-1, this.orders, options.initialLevels ?? 256);
  }

  /** Number of resting orders. */
  get orderCount(): number {
    return this.rowById.size;
  }

  /** Rests a new order at the back of the queue at `price`. */
  add(id: number, side: Side, price: number, quantity: number): BookResult {
    if (!Number.isSafeInteger(id)) return 'bad-order-id';
    if (this.rowById.has(id)) return 'duplicate-order';
    const check = this.checkPlacement(side === 'buy' ? BUY : SELL, price, quantity);
    if (check !== 'ok') return check;
    this.insert(id, side === 'buy' ? BUY : SELL, price, quantity);
    return 'ok';
  }

  /** Takes `quantity` off a resting order (partial cancel); reducing it to zero cancels it. */
  reduce(id: number, quantity: number): BookResult {
    return this.take(id, quantity);
  }

  /** A fill of `quantity` against a resting order; filling it completely removes it. */
  execute(id: number, quantity: number): BookResult {
    return this.take(id, quantity);
  }

  /** Removes a resting order. */
  cancel(id: number): BookResult {
    const row = this.rowById.get(id);
    if (row === NONE) return 'unknown-order';
    this.remove(id, row);
    return 'ok';
  }

  /**
   * Cancel/replace: the order `id` leaves the book and `newId` (which may equal `id`)
   * rests at the back of the queue at `price` with `quantity`, on the same side. It loses
   * its queue position even at the same price; use reduce() to keep it.
   */
  replace(id: number, newId: number, price: number, quantity: number): BookResult {
    const row = this.rowById.get(id);
    if (row === NONE) return 'unknown-order';
    if (!Number.isSafeInteger(newId)) return 'bad-order-id';
    if (newId !== id && this.rowById.has(newId)) return 'duplicate-order';
    const side = this.orders.sides[row];
    // The old order is on the same side, so it never takes part in the cross check.
    const check = this.checkPlacement(side, price, quantity, this.orders.quantities[row]);
    if (check !== 'ok') return check;
    this.remove(id, row);
    this.insert(newId, side, price, quantity);
    return 'ok';
  }

  /** Removes every order. */
  clear(): void {
    this.rowById.forEach((row) => {
      (this.orders.sides[row] === BUY ? this.bids : this.asks).unlink(row);
      this.orders.release(row);
    });
    this.rowById.clear();
  }

  bestBidPrice(): number | undefined {
    return this.bids.bestPrice();
  }

  bestAskPrice(): number | undefined {
    return this.asks.bestPrice();
  }

  /** Quantity resting at the best bid; 0 when there are no bids. */
  bestBidQuantity(): number {
    const level = this.bids.levelAt(0);
    return level === NONE ? 0 : this.bids.levelQuantities[level];
  }

  /** Quantity resting at the best ask; 0 when there are no asks. */
  bestAskQuantity(): number {
    const level = this.asks.levelAt(0);
    return level === NONE ? 0 : this.asks.levelQuantities[level];
  }

  /** Number of price levels on one side. */
  levelCount(side: Side): number {
    return this.ladder(side).size;
  }

  /** Total quantity resting at `price` on one side (0 if none). */
  quantityAt(side: Side, price: number): number {
    const ladder = this.ladder(side);
    const level = ladder.find(price);
    return level === NONE ? 0 : ladder.levelQuantities[level];
  }

  /**
   * Writes up to `out.prices.length` levels of one side into `out`, best first, and
   * returns how many it wrote. Allocates nothing.
   */
  depth(side: Side, out: DepthLevels): number {
    const ladder = this.ladder(side);
    const count = Math.min(ladder.size, out.prices.length);
    for (let depth = 0; depth < count; depth++) {
      const level = ladder.levelAt(depth);
      out.prices[depth] = ladder.levelPrices[level];
      out.quantities[depth] = ladder.levelQuantities[level];
      out.orderCounts[depth] = ladder.levelOrderCounts[level];
    }
    return count;
  }

  hasOrder(id: number): boolean {
    return this.rowById.has(id);
  }

  /** Remaining quantity of a resting order; undefined for an unknown id. */
  orderQuantity(id: number): number | undefined {
    const row = this.rowById.get(id);
    return row === NONE ? undefined : this.orders.quantities[row];
  }

  /** Price of a resting order; undefined for an unknown id. */
  orderPrice(id: number): number | undefined {
    const row = this.rowById.get(id);
    if (row === NONE) return undefined;
    const ladder = this.orders.sides[row] === BUY ? this.bids : this.asks;
    return ladder.levelPrices[this.orders.levels[row]];
  }

  /** Side of a resting order; undefined for an unknown id. */
  orderSide(id: number): Side | undefined {
    const row = this.rowById.get(id);
    if (row === NONE) return undefined;
    return this.orders.sides[row] === BUY ? 'buy' : 'sell';
  }

  /** A copy of a resting order (allocates), or undefined. */
  order(id: number): OrderView | undefined {
    const row = this.rowById.get(id);
    if (row === NONE) return undefined;
    const side: Side = this.orders.sides[row] === BUY ? 'buy' : 'sell';
    const ladder = this.ladder(side);
    return { id, side, price: ladder.levelPrices[this.orders.levels[row]], quantity: this.orders.quantities[row] };
  }

  /** Ids queued at `price` on one side, in time priority (allocates). */
  queueAt(side: Side, price: number): number[] {
    const ladder = this.ladder(side);
    const level = ladder.find(price);
    const ids: number[] = [];
    if (level === NONE) return ids;
    for (let row = ladder.levelHeads[level]; row !== NONE; row = this.orders.next[row]) {
      ids.push(this.orders.ids[row]);
    }
    return ids;
  }

  // Row access, for a matching engine (runtime/matching) that walks queues and keeps its own
  // per-order fields in the pool. A row is an order's slot in the pool, valid until the order
  // leaves the book; sides are 0 (buy) and 1 (sell). These skip the checks of the id-based
  // methods above: the caller has validated its command already.

  /** The order pool. Its arrays are replaced when it grows: read them through this getter each time. */
  get pool(): OrderPool {
    return this.orders;
  }

  /** Row of a resting order, or -1. */
  rowOf(id: number): number {
    return this.rowById.get(id);
  }

  /** Row at the head of the queue of level `depth` (0 = best) of a side, or -1. */
  headRowAt(side: number, depth: number): number {
    const ladder = side === BUY ? this.bids : this.asks;
    const level = ladder.levelAt(depth);
    return level === NONE ? NONE : ladder.levelHeads[level];
  }

  /** Price of a resting row. */
  rowPrice(row: number): number {
    return (this.orders.sides[row] === BUY ? this.bids : this.asks).levelPrices[this.orders.levels[row]];
  }

  /** Price of the best level of a side, NaN when the side is empty. */
  bestPriceOf(side: number): number {
    const ladder = side === BUY ? this.bids : this.asks;
    const level = ladder.levelAt(0);
    return level === NONE ? Number.NaN : ladder.levelPrices[level];
  }

  /** Quantity at the best level of a side, 0 when the side is empty. */
  bestQuantityOf(side: number): number {
    const ladder = side === BUY ? this.bids : this.asks;
    const level = ladder.levelAt(0);
    return level === NONE ? 0 : ladder.levelQuantities[level];
  }

  /** Total quantity of the level a resting row is in. */
  rowLevelQuantity(row: number): number {
    return (this.orders.sides[row] === BUY ? this.bids : this.asks).levelQuantities[this.orders.levels[row]];
  }

  /** Whether a resting row is in the best level of its side. */
  isAtBestLevel(row: number): boolean {
    return (this.orders.sides[row] === BUY ? this.bids : this.asks).levelAt(0) === this.orders.levels[row];
  }

  /** Quantity resting on a side. */
  sideTotal(side: number): number {
    return (side === BUY ? this.bids : this.asks).totalQuantity;
  }

  /** Rests `id` at the back of the queue at `price` (unchecked) and returns its row. */
  insertRow(id: number, side: number, price: number, quantity: number): number {
    return this.insert(id, side, price, quantity);
  }

  /** Takes `quantity` (less than it has) off a row that stays in its queue. */
  reduceRow(row: number, quantity: number): void {
    (this.orders.sides[row] === BUY ? this.bids : this.asks).reduce(row, quantity);
  }

  /** Removes a row from the book. */
  removeRow(row: number): void {
    this.remove(this.orders.ids[row], row);
  }

  /** Gives a resting order a new id (not in use), keeping its place in the queue. */
  renameRow(row: number, newId: number): void {
    this.rowById.delete(this.orders.ids[row]);
    this.orders.ids[row] = newId;
    this.rowById.set(newId, row);
  }

  private ladder(side: Side): PriceLadder {
    return side === 'buy' ? this.bids : this.asks;
  }

  /** `leaving`: quantity of an order on the same side that the operation removes first (replace). */
  private checkPlacement(side: number, price: number, quantity: number, leaving = 0): BookResult {
    if (!Number.isSafeInteger(price)) return 'bad-price';
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return 'bad-quantity';
    // Level totals must stay exact: bounded through the side's total, one addition instead of a level lookup.
    if ((side === BUY ? this.bids : this.asks).totalQuantity - leaving + quantity > Number.MAX_SAFE_INTEGER) return 'bad-quantity';
    const opposite = side === BUY ? this.asks.bestPrice() : this.bids.bestPrice();
    if (opposite !== undefined) {
      if (price === opposite) return 'locks-book';
      if (side === BUY ? price > opposite : price < opposite) return 'crosses-book';
    }
    return 'ok';
  }

  private take(id: number, quantity: number): BookResult {
    const row = this.rowById.get(id);
    if (row === NONE) return 'unknown-order';
    const left = this.orders.quantities[row];
    if (!Number.isSafeInteger(quantity) || quantity <= 0 || quantity > left) return 'bad-quantity';
    if (quantity === left) this.remove(id, row);
    else (this.orders.sides[row] === BUY ? this.bids : this.asks).reduce(row, quantity);
    return 'ok';
  }

  private insert(id: number, side: number, price: number, quantity: number): number {
    const orders = this.orders;
    const row = orders.allocate();
    orders.ids[row] = id;
    orders.sides[row] = side;
    orders.quantities[row] = quantity;
    (side === BUY ? this.bids : this.asks).append(row, price);
    this.rowById.set(id, row);
    return row;
  }

  private remove(id: number, row: number): void {
    (this.orders.sides[row] === BUY ? this.bids : this.asks).unlink(row);
    this.rowById.delete(id);
    this.orders.release(row);
  }
}

/** Typed arrays for `levels` levels of depth. */
export function depthLevels(levels: number): DepthLevels {
  return { prices: new Float64Array(levels), quantities: new Float64Array(levels), orderCounts: new Int32Array(levels) };
}
