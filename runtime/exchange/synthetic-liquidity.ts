// Background liquidity without a client: other participants' orders around a mid price
// that walks a tick at a time. Each step is one of: a passive limit order a few ticks from
// the mid, a cancel of one of its live orders, a mid move, or (now and then) a marketable
// IOC order that trades through the touch. The choices come from a seeded xoshiro128 only,
// never from the book, so one seed gives one command stream whatever else trades.
import { Xoshiro128 } from '../generator/xoshiro128.ts';
import { ORDER_TYPE_LIMIT, SIDE_BUY, SIDE_SELL, TIF_DAY, TIF_IOC } from '../matching/matching-events.ts';
import type { Exchange } from './exchange.ts';
import type { LiquiditySource } from './liquidity-source.ts';

export interface SyntheticLiquidityOptions {
  seed: number;
  /** Starting mid price in ticks (every instrument). */
  midTicks: number;
  /** Passive orders rest 1..depth ticks from the mid. */
  depth?: number;
  /** Live orders kept per instrument at most (the oldest-placed are canceled first beyond it). */
  maxLiveOrders?: number;
}

const DEFAULT_DEPTH = 5;
const DEFAULT_MAX_LIVE = 200;
const LOT = 100;

export class SyntheticLiquidity implements LiquiditySource {
  readonly ownerId: number;
  private readonly exchange: Exchange;
  private readonly random: Xoshiro128;
  private readonly depth: number;
  private readonly maxLive: number;
  private readonly mids: Float64Array;
  /** Per instrument, the ids of its orders that may still rest (a ring of maxLive). */
  private readonly live: Float64Array[];
  private readonly liveCounts: Int32Array;

  constructor(exchange: Exchange, options: SyntheticLiquidityOptions) {
    if (!Number.isSafeInteger(options.midTicks) || options.midTicks < 1) throw new Error(`the mid must be a positive whole number of ticks, got ${options.midTicks}`);
    this.exchange = exchange;
    this.ownerId = exchange.nextOwnerId();
    this.random = new Xoshiro128(options.seed);
    this.depth = options.depth ?? DEFAULT_DEPTH;
    this.maxLive = options.maxLiveOrders ?? DEFAULT_MAX_LIVE;
    const count = exchange.books.length;
    this.mids = new Float64Array(count).fill(options.midTicks);
    this.live = Array.from({ length: count }, () => new Float64Array(this.maxLive));
    this.liveCounts = new Int32Array(count);
  }

  /** One command (or mid move); always true: the flow never ends. */
  step(): boolean {
    const random = this.random;
    const index = random.nextInt(this.exchange.books.length);
    const book = this.exchange.books[index];
    const mid = this.mids[index];
    const action = random.nextInt(100);
    const side = random.nextInt(2) === 0 ? SIDE_BUY : SIDE_SELL;
    if (action < 55 || this.liveCounts[index] === 0) {
      if (this.liveCounts[index] === this.maxLive) this.cancelAt(index, 0);
      const offset = 1 + random.nextInt(this.depth);
      const quantity = LOT * (1 + random.nextInt(10));
      const orderId = this.exchange.nextOrderId();
      const price = side === SIDE_BUY ? mid - offset : mid + offset;
      if (price >= 1) {
        book.submit(orderId, this.ownerId, side, ORDER_TYPE_LIMIT, TIF_DAY, price, quantity);
        this.live[index][this.liveCounts[index]++] = orderId;
      }
    } else if (action < 85) {
      this.cancelAt(index, random.nextInt(this.liveCounts[index]));
    } else if (action < 95) {
      this.mids[index] = Math.max(1 + this.depth, mid + (side === SIDE_BUY ? 1 : -1));
    } else {
      const quantity = LOT * (1 + random.nextInt(5));
      const price = side === SIDE_BUY ? mid + 2 : mid - 2;
      book.submit(this.exchange.nextOrderId(), this.ownerId, side, ORDER_TYPE_LIMIT, TIF_IOC, Math.max(1, price), quantity);
    }
    return true;
  }

  /** Cancels the live order at `slot` (it may have filled already: the engine then rejects it, harmlessly). */
  private cancelAt(index: number, slot: number): void {
    const ids = this.live[index];
    const last = --this.liveCounts[index];
    const orderId = ids[slot];
    // Oldest first for slot 0: shift down; a random slot: swap with the last.
    if (slot === 0) ids.copyWithin(0, 1, last + 1);
    else ids[slot] = ids[last];
    this.exchange.books[index].cancel(orderId);
  }
}
