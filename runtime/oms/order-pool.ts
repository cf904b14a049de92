// Orders as typed-array columns indexed by an order index, with a free list: allocating and
// releasing an order creates no object. Prices are ticks, quantities lots, notional ticks ×
// lots (exact below 2^53). Capacity grows by doubling (all columns copied, rare, off the steady
// state) unless `fixed`, when allocate returns -1 once every slot is in use.
import { ORDER_STATE } from './order-state.ts';

export const SIDE_BUY = 1;
export const SIDE_SELL = 2;

export interface OrderPoolOptions {
  /** Orders held before the first growth (default 1024). */
  capacity?: number;
  /** Never grow: allocate returns -1 when full. */
  fixed?: boolean;
}

export class OrderPool {
  capacity: number;
  readonly fixed: boolean;
  /** Orders in use. */
  size = 0;
  /** ORDER_STATE of each order. */
  state: Uint8Array;
  /** While PendingCancel/PendingReplace: the state a cancel reject returns to. */
  prior: Uint8Array;
  side: Uint8Array;
  instrument: Int32Array;
  account: Int32Array;
  /** Limit price in ticks. */
  price: Float64Array;
  /** OrderQty in lots. */
  quantity: Float64Array;
  cum: Float64Array;
  leaves: Float64Array;
  /** Σ LastPx × LastQty of the fills, ticks × lots. */
  notional: Float64Array;
  /** The ClOrdID counter (ClOrdIdGenerator) the order is known by now. */
  clOrdId: Float64Array;
  /** The ClOrdID it replaced (-1 when none). */
  origClOrdId: Float64Array;
  /** The exchange's OrderID as a key (OrderIdKeys), -1 before the ack. */
  orderId: Float64Array;
  /** A replace's requested price and quantity until the exchange answers. */
  pendingPrice: Float64Array;
  pendingQuantity: Float64Array;
  /** The ClOrdID counter of a pending replace. */
  pendingClOrdId: Float64Array;
  /** Lots counted as open in the positions' worst case (kept by OrderManager). */
  openCounted: Float64Array;
  private free: Int32Array;
  private freeCount = 0;
  private inUse: Uint8Array;

  constructor(options: OrderPoolOptions = {}) {
    const capacity = options.capacity ?? 1024;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`order pool capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.fixed = options.fixed ?? false;
    this.state = new Uint8Array(capacity);
    this.prior = new Uint8Array(capacity);
    this.side = new Uint8Array(capacity);
    this.instrument = new Int32Array(capacity);
    this.account = new Int32Array(capacity);
    this.price = new Float64Array(capacity);
    this.quantity = new Float64Array(capacity);
    this.cum = new Float64Array(capacity);
    this.leaves = new Float64Array(capacity);
    this.notional = new Float64Array(capacity);
    this.clOrdId = new Float64Array(capacity);
    this.origClOrdId = new Float64Array(capacity);
    this.orderId = new Float64Array(capacity);
    this.pendingPrice = new Float64Array(capacity);
    this.pendingQuantity = new Float64Array(capacity);
    this.pendingClOrdId = new Float64Array(capacity);
    this.openCounted = new Float64Array(capacity);
    this.inUse = new Uint8Array(capacity);
    this.free = new Int32Array(capacity);
    this.pushFree(0, capacity);
  }

  /** A fresh order in PendingNew, or -1 when a fixed pool is full. */
  allocate(instrument: number, account: number, side: number, price: number, quantity: number, clOrdId: number): number {
    if (this.freeCount === 0) {
      if (this.fixed) return -1;
      this.grow();
    }
    const i = this.free[--this.freeCount];
    this.inUse[i] = 1;
    this.size++;
    this.state[i] = ORDER_STATE.PENDING_NEW;
    this.prior[i] = ORDER_STATE.PENDING_NEW;
    this.side[i] = side;
    this.instrument[i] = instrument;
    this.account[i] = account;
    this.price[i] = price;
    this.quantity[i] = quantity;
    this.cum[i] = 0;
    this.leaves[i] = quantity;
    this.notional[i] = 0;
    this.clOrdId[i] = clOrdId;
    this.origClOrdId[i] = -1;
    this.orderId[i] = -1;
    this.pendingPrice[i] = 0;
    this.pendingQuantity[i] = 0;
    this.pendingClOrdId[i] = -1;
    this.openCounted[i] = 0;
    return i;
  }

  isInUse(index: number): boolean {
    return index >= 0 && index < this.capacity && this.inUse[index] === 1;
  }

  /** Gives the slot back; the caller has dropped every lookup key of the order (OrderManager.release). */
  release(index: number): void {
    if (!this.isInUse(index)) throw new RangeError(`order ${index} is not in use`);
    this.inUse[index] = 0;
    this.size--;
    this.free[this.freeCount++] = index;
  }

  private pushFree(from: number, to: number): void {
    // Lowest index first out: the stack holds them in reverse.
    for (let i = to - 1; i >= from; i--) this.free[this.freeCount++] = i;
  }

  private grow(): void {
    const old = this.capacity;
    const capacity = old * 2;
    const grow8 = (a: Uint8Array): Uint8Array => copyInto(new Uint8Array(capacity), a);
    const grow32 = (a: Int32Array): Int32Array => copyInto(new Int32Array(capacity), a);
    const grow64 = (a: Float64Array): Float64Array => copyInto(new Float64Array(capacity), a);
    this.state = grow8(this.state);
    this.prior = grow8(this.prior);
    this.side = grow8(this.side);
    this.inUse = grow8(this.inUse);
    this.instrument = grow32(this.instrument);
    this.account = grow32(this.account);
    this.price = grow64(this.price);
    this.quantity = grow64(this.quantity);
    this.cum = grow64(this.cum);
    this.leaves = grow64(this.leaves);
    this.notional = grow64(this.notional);
    this.clOrdId = grow64(this.clOrdId);
    this.origClOrdId = grow64(this.origClOrdId);
    this.orderId = grow64(this.orderId);
    this.pendingPrice = grow64(this.pendingPrice);
    this.pendingQuantity = grow64(this.pendingQuantity);
    this.pendingClOrdId = grow64(this.pendingClOrdId);
    this.openCounted = grow64(this.openCounted);
    this.free = new Int32Array(capacity);
    this.capacity = capacity;
    this.pushFree(old, capacity);
  }
}

function copyInto<T extends Uint8Array | Int32Array | Float64Array>(to: T, from: T): T {
  to.set(from);
  return to;
}
