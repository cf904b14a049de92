// The matching engine of one instrument, on a LimitOrderBook: price-time priority (FIFO per
// level), limit and market orders with DAY/GTC/IOC/FOK, cancel, cancel/replace, mass cancel
// and optional self-trade prevention by owner id. Every outcome is a call on a
// MatchingEventSink (matching-events.ts), in decision order.
//
// Commands take numbers only and validate everything before changing anything: a rejected
// command is one onRejected call and no change. After every command the book is neither
// crossed nor locked (an incoming order trades until it no longer crosses, and only then
// rests). Per-order cum quantity and notional (Σ price × quantity) live beside the book's
// own fields in its typed-array pool, and the aggressor's in three number fields, so that
// steady-state matching allocates nothing. Quantities, prices and notionals stay exact
// integers: maxPrice × maxQuantity must not pass 2^53 − 1.
import { LimitOrderBook } from '../book/limit-order-book.ts';
import { NONE } from '../book/order-pool.ts';
import {
  CANCEL_MASS,
  CANCEL_REQUESTED,
  CANCEL_SELF_TRADE,
  COMMAND_CANCEL,
  COMMAND_MASS_CANCEL,
  COMMAND_REPLACE,
  COMMAND_SUBMIT,
  type MatchingEventSink,
  ORDER_TYPE_LIMIT,
  ORDER_TYPE_MARKET,
  REJECT_BAD_ORDER_ID,
  REJECT_BAD_ORDER_TYPE,
  REJECT_BAD_OWNER_ID,
  REJECT_BAD_PRICE,
  REJECT_BAD_QUANTITY,
  REJECT_BAD_SIDE,
  REJECT_BAD_TIME_IN_FORCE,
  REJECT_DUPLICATE_ORDER_ID,
  REJECT_NONE,
  REJECT_REPLACE_BELOW_FILLED,
  REJECT_SIDE_TOTAL_LIMIT,
  REJECT_UNKNOWN_ORDER,
  type RejectReason,
  SIDE_BUY,
  SIDE_SELL,
  STP_CANCEL_AGGRESSOR,
  STP_CANCEL_BOTH,
  STP_CANCEL_RESTING,
  STP_OFF,
  TIF_DAY,
  TIF_FOK,
  TIF_GTC,
  TIF_IOC,
} from './matching-events.ts';

export interface MatchingEngineOptions {
  /** STP_OFF (default), STP_CANCEL_AGGRESSOR, STP_CANCEL_RESTING or STP_CANCEL_BOTH. */
  selfTradePrevention?: number;
  /** Largest |limit price| in ticks (default 1,000,000,000). */
  maxPrice?: number;
  /** Largest order quantity in lots (default 9,000,000). */
  maxQuantity?: number;
  /** Order rows and price levels per side allocated up front (both grow by doubling). */
  initialOrders?: number;
  initialLevels?: number;
}

/** A copy of a resting order, for inspection (allocates). */
export interface RestingOrder {
  id: number;
  ownerId: number;
  side: number;
  price: number;
  leaves: number;
  cum: number;
  notional: number;
}

const BUY = 0;
const SELL = 1;
const DEFAULT_MAX_PRICE = 1_000_000_000;
const DEFAULT_MAX_QUANTITY = 9_000_000;

function isId(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

export class MatchingEngine {
  readonly book: LimitOrderBook;
  readonly selfTradePrevention: number;
  readonly maxPrice: number;
  readonly maxQuantity: number;
  private readonly sink: MatchingEventSink;
  /** The incoming order's state while it matches. */
  private leaves = 0;
  private cum = 0;
  private notional = 0;
  /** Top of the book before the command, to tell whether it changed. */
  private bidPrice = Number.NaN;
  private bidQuantity = 0;
  private askPrice = Number.NaN;
  private askQuantity = 0;
  /** Rows a mass cancel collects before removing them (grows, never shrinks). */
  private massRows = new Int32Array(64);

  constructor(sink: MatchingEventSink, options: MatchingEngineOptions = {}) {
    const stp = options.selfTradePrevention ?? STP_OFF;
    if (stp !== STP_OFF && stp !== STP_CANCEL_AGGRESSOR && stp !== STP_CANCEL_RESTING && stp !== STP_CANCEL_BOTH) {
      throw new Error(`selfTradePrevention must be 0 (off), 1 (cancel aggressor), 2 (cancel resting) or 3 (cancel both), got ${stp}`);
    }
    const maxPrice = options.maxPrice ?? DEFAULT_MAX_PRICE;
    const maxQuantity = options.maxQuantity ?? DEFAULT_MAX_QUANTITY;
    if (!Number.isSafeInteger(maxPrice) || maxPrice < 1 || !Number.isSafeInteger(maxQuantity) || maxQuantity < 1) {
      throw new Error(`maxPrice and maxQuantity must be positive safe integers, got ${maxPrice} and ${maxQuantity}`);
    }
    if (maxPrice * maxQuantity > Number.MAX_SAFE_INTEGER) {
      throw new Error(`maxPrice × maxQuantity (${maxPrice} × ${maxQuantity}) passes 2^53 − 1: notionals would stop being exact`);
    }
    this.sink = sink;
    this.selfTradePrevention = stp;
    this.maxPrice = maxPrice;
    this.maxQuantity = maxQuantity;
    this.book = new LimitOrderBook({ initialOrders: options.initialOrders, initialLevels: options.initialLevels });
  }

  /**
   * A new order. `price` is the limit in ticks (ignored for a market order), `quantity` in
   * lots. Returns 0 if accepted, else the reject reason (also sent to the sink).
   */
  submit(orderId: number, ownerId: number, side: number, orderType: number, timeInForce: number, price: number, quantity: number): RejectReason {
    const reason = this.checkSubmit(orderId, ownerId, side, orderType, timeInForce, price, quantity);
    if (reason !== REJECT_NONE) {
      this.sink.onRejected(COMMAND_SUBMIT, orderId, reason);
      return reason;
    }
    this.noteTop();
    this.sink.onAccepted(orderId, ownerId, side, orderType, timeInForce, price, quantity);
    const bookSide = side === SIDE_BUY ? BUY : SELL;
    const market = orderType === ORDER_TYPE_MARKET;
    if (timeInForce === TIF_FOK && !this.canFill(ownerId, bookSide, market, price, quantity)) {
      this.sink.onExpired(orderId, quantity, 0, 0);
      return REJECT_NONE;
    }
    this.leaves = quantity;
    this.cum = 0;
    this.notional = 0;
    const selfTrade = this.match(orderId, ownerId, bookSide, market, price);
    this.settle(orderId, ownerId, bookSide, price, selfTrade, !market && (timeInForce === TIF_GTC || timeInForce === TIF_DAY));
    this.reportTop();
    return REJECT_NONE;
  }

  /** Cancels a resting order. Returns 0 or the reject reason. */
  cancel(orderId: number): RejectReason {
    const row = isId(orderId) ? this.book.rowOf(orderId) : NONE;
    if (row === NONE) {
      const reason = isId(orderId) ? REJECT_UNKNOWN_ORDER : REJECT_BAD_ORDER_ID;
      this.sink.onRejected(COMMAND_CANCEL, orderId, reason);
      return reason;
    }
    this.noteTop();
    this.cancelRow(row, CANCEL_REQUESTED);
    this.reportTop();
    return REJECT_NONE;
  }

  /**
   * Cancel/replace of a resting order: it becomes `newOrderId` (may equal `orderId`) at
   * `price` with `quantity` as its new total order quantity (FIX OrderQty: filled quantity
   * included), so it has quantity − cum open. Same price and open quantity not raised: it
   * keeps its place in the queue; otherwise it goes to the back of the queue at `price`,
   * trading first if that price crosses the book. Returns 0 or the reject reason.
   */
  replace(orderId: number, newOrderId: number, price: number, quantity: number): RejectReason {
    const book = this.book;
    const row = isId(orderId) ? book.rowOf(orderId) : NONE;
    const reason = this.checkReplace(row, orderId, newOrderId, price, quantity);
    if (reason !== REJECT_NONE) {
      this.sink.onRejected(COMMAND_REPLACE, orderId, reason);
      return reason;
    }
    this.noteTop();
    const pool = book.pool;
    const leaves = pool.quantities[row];
    const cum = pool.cums[row];
    const notional = pool.notionals[row];
    const newLeaves = quantity - cum;
    if (price === book.rowPrice(row) && newLeaves <= leaves) {
      if (newLeaves < leaves) book.reduceRow(row, leaves - newLeaves);
      if (newOrderId !== orderId) book.renameRow(row, newOrderId);
      this.sink.onReplaced(orderId, newOrderId, price, newLeaves, cum, notional, true);
    } else {
      const ownerId = pool.owners[row];
      const side = pool.sides[row];
      book.removeRow(row);
      this.sink.onReplaced(orderId, newOrderId, price, newLeaves, cum, notional, false);
      this.leaves = newLeaves;
      this.cum = cum;
      this.notional = notional;
      const selfTrade = this.match(newOrderId, ownerId, side, false, price);
      this.settle(newOrderId, ownerId, side, price, selfTrade, true);
    }
    this.reportTop();
    return REJECT_NONE;
  }

  /** Cancels every resting order of `ownerId` (bids then asks, each best level first, FIFO); returns how many. */
  massCancel(ownerId: number): number {
    if (!isId(ownerId)) {
      this.sink.onRejected(COMMAND_MASS_CANCEL, ownerId, REJECT_BAD_OWNER_ID);
      return 0;
    }
    return this.cancelMany(true, ownerId);
  }

  /** Cancels every resting order, in the order massCancel uses; returns how many. */
  massCancelAll(): number {
    return this.cancelMany(false, 0);
  }

  /** Open quantity of a resting order, undefined if none rests with this id. */
  orderLeaves(orderId: number): number | undefined {
    const row = this.book.rowOf(orderId);
    return row === NONE ? undefined : this.book.pool.quantities[row];
  }

  orderCum(orderId: number): number | undefined {
    const row = this.book.rowOf(orderId);
    return row === NONE ? undefined : this.book.pool.cums[row];
  }

  /** Σ price × quantity of a resting order's fills. */
  orderNotional(orderId: number): number | undefined {
    const row = this.book.rowOf(orderId);
    return row === NONE ? undefined : this.book.pool.notionals[row];
  }

  /** Every resting order, bids then asks, each best level first and FIFO (allocates; for inspection). */
  restingOrders(): RestingOrder[] {
    const orders: RestingOrder[] = [];
    const book = this.book;
    const pool = book.pool;
    for (const side of [BUY, SELL]) {
      for (let depth = 0; book.headRowAt(side, depth) !== NONE; depth++) {
        for (let row = book.headRowAt(side, depth); row !== NONE; row = pool.next[row]) {
          orders.push({
            id: pool.ids[row],
            ownerId: pool.owners[row],
            side: side === BUY ? SIDE_BUY : SIDE_SELL,
            price: book.rowPrice(row),
            leaves: pool.quantities[row],
            cum: pool.cums[row],
            notional: pool.notionals[row],
          });
        }
      }
    }
    return orders;
  }

  private checkSubmit(orderId: number, ownerId: number, side: number, orderType: number, timeInForce: number, price: number, quantity: number): RejectReason {
    if (!isId(orderId)) return REJECT_BAD_ORDER_ID;
    if (this.book.rowOf(orderId) !== NONE) return REJECT_DUPLICATE_ORDER_ID;
    if (!isId(ownerId)) return REJECT_BAD_OWNER_ID;
    if (side !== SIDE_BUY && side !== SIDE_SELL) return REJECT_BAD_SIDE;
    if (orderType !== ORDER_TYPE_LIMIT && orderType !== ORDER_TYPE_MARKET) return REJECT_BAD_ORDER_TYPE;
    if (timeInForce !== TIF_GTC && timeInForce !== TIF_DAY && timeInForce !== TIF_IOC && timeInForce !== TIF_FOK) return REJECT_BAD_TIME_IN_FORCE;
    if (orderType === ORDER_TYPE_LIMIT && !this.isPrice(price)) return REJECT_BAD_PRICE;
    if (!this.isQuantity(quantity)) return REJECT_BAD_QUANTITY;
    if (this.book.sideTotal(side === SIDE_BUY ? BUY : SELL) + quantity > Number.MAX_SAFE_INTEGER) return REJECT_SIDE_TOTAL_LIMIT;
    return REJECT_NONE;
  }

  private checkReplace(row: number, orderId: number, newOrderId: number, price: number, quantity: number): RejectReason {
    if (!isId(orderId)) return REJECT_BAD_ORDER_ID;
    if (row === NONE) return REJECT_UNKNOWN_ORDER;
    if (!isId(newOrderId)) return REJECT_BAD_ORDER_ID;
    if (newOrderId !== orderId && this.book.rowOf(newOrderId) !== NONE) return REJECT_DUPLICATE_ORDER_ID;
    if (!this.isPrice(price)) return REJECT_BAD_PRICE;
    if (!this.isQuantity(quantity)) return REJECT_BAD_QUANTITY;
    const pool = this.book.pool;
    if (quantity <= pool.cums[row]) return REJECT_REPLACE_BELOW_FILLED;
    const total = this.book.sideTotal(pool.sides[row]) - pool.quantities[row];
    if (total + quantity - pool.cums[row] > Number.MAX_SAFE_INTEGER) return REJECT_SIDE_TOTAL_LIMIT;
    return REJECT_NONE;
  }

  private isPrice(price: number): boolean {
    return Number.isSafeInteger(price) && Math.abs(price) <= this.maxPrice;
  }

  private isQuantity(quantity: number): boolean {
    return Number.isSafeInteger(quantity) && quantity > 0 && quantity <= this.maxQuantity;
  }

  /**
   * Trades the incoming order (state in leaves/cum/notional) against the other side, best
   * price first and FIFO within a level, while it crosses. Returns true when self-trade
   * prevention stopped it (its rest is to be canceled).
   */
  private match(orderId: number, ownerId: number, side: number, market: boolean, limit: number): boolean {
    const book = this.book;
    const sink = this.sink;
    const opposite = side === BUY ? SELL : BUY;
    const stp = this.selfTradePrevention;
    while (this.leaves > 0) {
      const row = book.headRowAt(opposite, 0);
      if (row === NONE) return false;
      const price = book.rowPrice(row);
      if (!market && (side === BUY ? price > limit : price < limit)) return false;
      const pool = book.pool;
      if (stp !== STP_OFF && pool.owners[row] === ownerId) {
        if (stp !== STP_CANCEL_AGGRESSOR) this.cancelRow(row, CANCEL_SELF_TRADE);
        if (stp !== STP_CANCEL_RESTING) return true;
        continue;
      }
      const restingLeaves = pool.quantities[row];
      const quantity = this.leaves < restingLeaves ? this.leaves : restingLeaves;
      const restingId = pool.ids[row];
      const restingCum = pool.cums[row] + quantity;
      const restingNotional = pool.notionals[row] + price * quantity;
      this.leaves -= quantity;
      this.cum += quantity;
      this.notional += price * quantity;
      if (quantity === restingLeaves) {
        book.removeRow(row);
      } else {
        book.reduceRow(row, quantity);
        pool.cums[row] = restingCum;
        pool.notionals[row] = restingNotional;
      }
      sink.onTrade(orderId, restingId, price, quantity, this.leaves, this.cum, this.notional, restingLeaves - quantity, restingCum, restingNotional);
    }
    return false;
  }

  /** What happens to the incoming order's rest after matching: canceled (self-trade), rested, or expired. */
  private settle(orderId: number, ownerId: number, side: number, price: number, selfTrade: boolean, rests: boolean): void {
    if (selfTrade) {
      this.sink.onCanceled(orderId, this.leaves, this.cum, this.notional, CANCEL_SELF_TRADE);
    } else if (this.leaves > 0) {
      if (rests) {
        const row = this.book.insertRow(orderId, side, price, this.leaves);
        const pool = this.book.pool;
        pool.owners[row] = ownerId;
        pool.cums[row] = this.cum;
        pool.notionals[row] = this.notional;
      } else {
        this.sink.onExpired(orderId, this.leaves, this.cum, this.notional);
      }
    }
  }

  /**
   * Whether a FOK order would fill whole, the book untouched: the quantity it can reach
   * within its limit, skipping its owner's orders under cancel-resting, and stopping at
   * the first of them under cancel-aggressor and cancel-both (where matching would stop).
   */
  private canFill(ownerId: number, side: number, market: boolean, limit: number, quantity: number): boolean {
    const book = this.book;
    const pool = book.pool;
    const stp = this.selfTradePrevention;
    let available = 0;
    for (let depth = 0; ; depth++) {
      const head = book.headRowAt(side === BUY ? SELL : BUY, depth);
      if (head === NONE) return false;
      const price = book.rowPrice(head);
      if (!market && (side === BUY ? price > limit : price < limit)) return false;
      for (let row = head; row !== NONE; row = pool.next[row]) {
        if (stp !== STP_OFF && pool.owners[row] === ownerId) {
          if (stp === STP_CANCEL_RESTING) continue;
          return false;
        }
        available += pool.quantities[row];
        if (available >= quantity) return true;
      }
    }
  }

  private cancelRow(row: number, reason: number): void {
    const pool = this.book.pool;
    const orderId = pool.ids[row];
    const leaves = pool.quantities[row];
    const cum = pool.cums[row];
    const notional = pool.notionals[row];
    this.book.removeRow(row);
    this.sink.onCanceled(orderId, leaves, cum, notional, reason);
  }

  private cancelMany(byOwner: boolean, ownerId: number): number {
    const book = this.book;
    const pool = book.pool;
    let count = 0;
    for (let side = BUY; side <= SELL; side++) {
      for (let depth = 0; book.headRowAt(side, depth) !== NONE; depth++) {
        for (let row = book.headRowAt(side, depth); row !== NONE; row = pool.next[row]) {
          if (byOwner && pool.owners[row] !== ownerId) continue;
          if (count === this.massRows.length) {
            const grown = new Int32Array(count * 2);
            grown.set(this.massRows);
            this.massRows = grown;
          }
          this.massRows[count++] = row;
        }
      }
    }
    if (count === 0) return 0;
    this.noteTop();
    for (let index = 0; index < count; index++) this.cancelRow(this.massRows[index], CANCEL_MASS);
    this.reportTop();
    return count;
  }

  private noteTop(): void {
    const book = this.book;
    const bid = book.headRowAt(BUY, 0);
    const ask = book.headRowAt(SELL, 0);
    this.bidPrice = bid === NONE ? Number.NaN : book.rowPrice(bid);
    this.bidQuantity = book.bestBidQuantity();
    this.askPrice = ask === NONE ? Number.NaN : book.rowPrice(ask);
    this.askQuantity = book.bestAskQuantity();
  }

  /** onBookChanged if the best bid or offer differs from noteTop's (an empty side: quantity 0, price NaN). */
  private reportTop(): void {
    const book = this.book;
    const bid = book.headRowAt(BUY, 0);
    const ask = book.headRowAt(SELL, 0);
    const bidPrice = bid === NONE ? Number.NaN : book.rowPrice(bid);
    const askPrice = ask === NONE ? Number.NaN : book.rowPrice(ask);
    const bidQuantity = book.bestBidQuantity();
    const askQuantity = book.bestAskQuantity();
    const bidSame = bidQuantity === this.bidQuantity && (bidQuantity === 0 || bidPrice === this.bidPrice);
    const askSame = askQuantity === this.askQuantity && (askQuantity === 0 || askPrice === this.askPrice);
    if (!bidSame || !askSame) this.sink.onBookChanged(bidPrice, bidQuantity, askPrice, askQuantity);
  }
}
