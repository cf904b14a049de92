// The orders of one trader: the pool, the state machine, the ClOrdID generator, lookups by
// ClOrdID counter and by exchange OrderID, and the positions' open-order counts, kept in step.
// One pool entry per order chain: a cancel or replace request gets its own ClOrdID (FIX),
// registered beside the first, and when a replace is done the new ClOrdID takes over the entry
// (price, quantity; CumQty carries over as in FIX) while the old one stays a lookup key, so a
// late report for the replaced ClOrdID still finds the chain. Methods return the new state or a
// negative code (never throw on the hot path); nothing is applied when a code comes back.
import { ClOrdIdGenerator } from './clordid-generator.ts';
import { IdIndex } from '../book/id-index.ts';
import { OrderPool, type OrderPoolOptions } from './order-pool.ts';
import { ILLEGAL_TRANSITION, ORDER_EVENT as E, ORDER_STATE as S, isTerminalState } from './order-state.ts';
import { OrderStateMachine, nextPriorOf, nextStateOf } from './order-state-machine.ts';
import type { PositionKeeper } from './position-keeper.ts';

/** A fill larger than what is left of the order: refused, counted. */
export const OVERFILL = -2;
/** The pool is full (fixed capacity). */
export const POOL_FULL = -3;
/** Not a live order index. */
export const NO_SUCH_ORDER = -4;

export interface OrderManagerOptions extends OrderPoolOptions {
  clOrdIds?: ClOrdIdGenerator;
}

export class OrderManager {
  readonly pool: OrderPool;
  readonly machine = new OrderStateMachine();
  readonly clOrdIds: ClOrdIdGenerator;
  readonly positions: PositionKeeper;
  private readonly byClOrdIdIndex: IdIndex;
  private readonly byOrderIdIndex: IdIndex;
  overfills = 0;

  constructor(positions: PositionKeeper, options: OrderManagerOptions = {}) {
    this.pool = new OrderPool(options);
    this.positions = positions;
    this.clOrdIds = options.clOrdIds ?? new ClOrdIdGenerator();
    this.byClOrdIdIndex = new IdIndex(this.pool.capacity * 2);
    this.byOrderIdIndex = new IdIndex(this.pool.capacity);
  }

  /** A new order in PendingNew (its ClOrdID counter is pool.clOrdId[index]), or POOL_FULL. */
  submit(instrument: number, account: number, side: number, price: number, quantity: number): number {
    const index = this.pool.allocate(instrument, account, side, price, quantity, this.clOrdIds.next());
    if (index < 0) return POOL_FULL;
    this.byClOrdIdIndex.set(this.pool.clOrdId[index], index);
    this.syncOpen(index);
    return index;
  }

  /** The order index of a ClOrdID counter (any ClOrdID of the chain), or -1. */
  byClOrdId(counter: number): number {
    return this.byClOrdIdIndex.get(counter);
  }

  /** The order index of an exchange OrderID key (see orderIdKey), or -1. */
  byOrderId(key: number): number {
    return this.byOrderIdIndex.get(key);
  }

  /**
   * Marks a cancel request sent: returns the cancel's ClOrdID counter (registered for the
   * chain), or ILLEGAL_TRANSITION / NO_SUCH_ORDER (nothing changed).
   */
  requestCancel(index: number): number {
    if (!this.pool.isInUse(index)) return NO_SUCH_ORDER;
    if (this.move(index, E.CANCEL_REQUEST) < 0) return ILLEGAL_TRANSITION;
    return this.newRequestId(index);
  }

  /** Marks a replace request sent (new price, new total quantity): its ClOrdID counter, or a code. */
  requestReplace(index: number, price: number, quantity: number): number {
    if (!this.pool.isInUse(index)) return NO_SUCH_ORDER;
    if (this.move(index, E.REPLACE_REQUEST) < 0) return ILLEGAL_TRANSITION;
    this.pool.pendingPrice[index] = price;
    this.pool.pendingQuantity[index] = quantity;
    const counter = this.newRequestId(index);
    this.syncOpen(index);
    return counter;
  }

  /** The exchange acknowledged the order under `orderIdKey` (-1 when it gave none). */
  acknowledge(index: number, orderIdKey: number): number {
    const state = this.move(index, E.ACK_NEW);
    if (state >= 0) this.setOrderId(index, orderIdKey);
    return state;
  }

  /** A fill of `quantity` lots at `price` ticks: the order and the positions, or a code. */
  fill(index: number, price: number, quantity: number): number {
    const pool = this.pool;
    const left = pool.quantity[index] - pool.cum[index];
    if (quantity > left || quantity <= 0) {
      this.overfills++;
      return OVERFILL;
    }
    const state = this.move(index, quantity === left ? E.FILL_FULL : E.FILL_PARTIAL);
    if (state < 0) return state;
    pool.cum[index] += quantity;
    pool.notional[index] += price * quantity;
    pool.leaves[index] = isTerminalState(state) ? 0 : left - quantity;
    this.positions.fill(pool.account[index], pool.instrument[index], pool.side[index], price, quantity);
    this.syncOpen(index);
    return state;
  }

  /** An exchange event without quantity: Canceled, Replaced, Reject, CancelReject, Expire. */
  event(index: number, event: number): number {
    const pool = this.pool;
    // The state the pending replace came from (the transition overwrites it).
    const underneath = pool.prior[index];
    const state = this.move(index, event);
    if (state < 0) return state;
    if (event === E.REPLACED) this.takeOverReplace(index, underneath);
    else if (isTerminalState(state)) pool.leaves[index] = 0;
    if (event === E.CANCEL_REJECT) {
      // The refused request's ClOrdID names nothing any more.
      this.dropKey(pool.pendingClOrdId[index], index);
      pool.pendingClOrdId[index] = -1;
    }
    this.syncOpen(index);
    return pool.state[index];
  }

  /** Forgets an order (every lookup key of its chain) and frees its slot; a live order stops counting as open. */
  release(index: number): void {
    const pool = this.pool;
    if (!pool.isInUse(index)) return;
    pool.quantity[index] = pool.cum[index];
    pool.pendingQuantity[index] = 0;
    this.syncOpen(index);
    this.dropKey(pool.clOrdId[index], index);
    this.dropKey(pool.origClOrdId[index], index);
    this.dropKey(pool.pendingClOrdId[index], index);
    if (pool.orderId[index] >= 0 && this.byOrderIdIndex.get(pool.orderId[index]) === index) this.byOrderIdIndex.delete(pool.orderId[index]);
    pool.release(index);
  }

  private dropKey(counter: number, index: number): void {
    if (counter >= 0 && this.byClOrdIdIndex.get(counter) === index) this.byClOrdIdIndex.delete(counter);
  }

  /** Records the exchange's OrderID of an order (first ack, or a fill before it). */
  setOrderId(index: number, orderIdKey: number): void {
    if (orderIdKey < 0 || this.pool.orderId[index] === orderIdKey) return;
    this.pool.orderId[index] = orderIdKey;
    this.byOrderIdIndex.set(orderIdKey, index);
  }

  /** Runs the transition and writes it, or returns ILLEGAL_TRANSITION having changed nothing. */
  private move(index: number, event: number): number {
    const pool = this.pool;
    const packed = this.machine.transition(pool.state[index], pool.prior[index], event);
    if (packed === ILLEGAL_TRANSITION) return ILLEGAL_TRANSITION;
    pool.state[index] = nextStateOf(packed);
    pool.prior[index] = nextPriorOf(packed);
    return pool.state[index];
  }

  private newRequestId(index: number): number {
    const counter = this.clOrdIds.next();
    this.pool.pendingClOrdId[index] = counter;
    this.byClOrdIdIndex.set(counter, index);
    return counter;
  }

  /** The replaced ClOrdID ends (Replaced); the new one carries the chain on as New, PartiallyFilled or Filled. */
  private takeOverReplace(index: number, underneath: number): void {
    const pool = this.pool;
    // The replaced ClOrdID stays a key of the chain (late reports for it); the one before it is
    // dropped (a report naming it is found by OrderID, which a replace keeps).
    this.dropKey(pool.origClOrdId[index], index);
    pool.origClOrdId[index] = pool.clOrdId[index];
    pool.clOrdId[index] = pool.pendingClOrdId[index];
    pool.pendingClOrdId[index] = -1;
    pool.price[index] = pool.pendingPrice[index];
    pool.quantity[index] = pool.pendingQuantity[index];
    const left = pool.quantity[index] - pool.cum[index];
    pool.leaves[index] = left > 0 ? left : 0;
    const state = left <= 0 ? S.FILLED : pool.cum[index] > 0 ? S.PARTIALLY_FILLED : underneath === S.PENDING_NEW ? S.NEW : underneath;
    pool.state[index] = state;
    pool.prior[index] = state;
  }

  /**
   * Keeps the positions' open lots equal to what the order may still trade at worst: its leaves,
   * or during a replace the larger of its leaves and the replacement's.
   */
  private syncOpen(index: number): void {
    const pool = this.pool;
    const state = pool.state[index];
    let target = isTerminalState(state) ? 0 : pool.quantity[index] - pool.cum[index];
    if (state === S.PENDING_REPLACE) {
      const replacement = pool.pendingQuantity[index] - pool.cum[index];
      if (replacement > target) target = replacement;
    }
    if (target < 0) target = 0;
    const delta = target - pool.openCounted[index];
    if (delta !== 0) {
      pool.openCounted[index] = target;
      this.positions.addOpen(pool.account[index], pool.instrument[index], pool.side[index], delta);
    }
  }
}
