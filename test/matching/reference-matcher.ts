// A deliberately simple matcher to check MatchingEngine against: one array of resting
// orders, each with a priority stamp; the best opposite order is found by sorting a copy
// every time. Slow and obviously correct; it emits the same events to a MatchingEventSink.
import type { MatchingEventSink } from '../../runtime/matching/matching-events.ts';

interface Order {
  id: number;
  owner: number;
  side: number;
  price: number;
  leaves: number;
  cum: number;
  notional: number;
  stamp: number;
}

const isId = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

export class ReferenceMatcher {
  orders: Order[] = [];
  private stamp = 0;
  private readonly sink: MatchingEventSink;
  private readonly stp: number;
  private readonly maxPrice: number;
  private readonly maxQuantity: number;

  constructor(sink: MatchingEventSink, stp: number, maxPrice: number, maxQuantity: number) {
    this.sink = sink;
    this.stp = stp;
    this.maxPrice = maxPrice;
    this.maxQuantity = maxQuantity;
  }

  /** Resting orders: bids (side 1) then asks, best price first, then oldest first. */
  sorted(): Order[] {
    return [...this.orders].sort((a, b) => a.side - b.side || (a.side === 1 ? b.price - a.price : a.price - b.price) || a.stamp - b.stamp);
  }

  submit(id: number, owner: number, side: number, type: number, tif: number, price: number, quantity: number): number {
    let reason = 0;
    if (!isId(id)) reason = 1;
    else if (this.find(id)) reason = 2;
    else if (!isId(owner)) reason = 9;
    else if (side !== 1 && side !== 2) reason = 4;
    else if (type !== 1 && type !== 2) reason = 5;
    else if (![0, 1, 3, 4].includes(tif)) reason = 6;
    else if (type === 2 && !(Number.isSafeInteger(price) && Math.abs(price) <= this.maxPrice)) reason = 7;
    else if (!(Number.isSafeInteger(quantity) && quantity > 0 && quantity <= this.maxQuantity)) reason = 8;
    if (reason !== 0) {
      this.sink.onRejected(1, id, reason);
      return reason;
    }
    const top = this.top();
    this.sink.onAccepted(id, owner, side, type, tif, price, quantity);
    const order: Order = { id, owner, side, price, leaves: quantity, cum: 0, notional: 0, stamp: 0 };
    const market = type === 1;
    if (tif === 4 && this.fillable(order, market) < quantity) {
      this.sink.onExpired(id, quantity, 0, 0);
      return 0;
    }
    this.aggress(order, market, !market && (tif === 0 || tif === 1));
    this.reportTop(top);
    return 0;
  }

  cancel(id: number): number {
    const order = isId(id) ? this.find(id) : undefined;
    if (order === undefined) {
      const reason = isId(id) ? 3 : 1;
      this.sink.onRejected(2, id, reason);
      return reason;
    }
    const top = this.top();
    this.remove(order, 1);
    this.reportTop(top);
    return 0;
  }

  replace(id: number, newId: number, price: number, quantity: number): number {
    const order = isId(id) ? this.find(id) : undefined;
    let reason = 0;
    if (!isId(id)) reason = 1;
    else if (order === undefined) reason = 3;
    else if (!isId(newId)) reason = 1;
    else if (newId !== id && this.find(newId)) reason = 2;
    else if (!(Number.isSafeInteger(price) && Math.abs(price) <= this.maxPrice)) reason = 7;
    else if (!(Number.isSafeInteger(quantity) && quantity > 0 && quantity <= this.maxQuantity)) reason = 8;
    else if (quantity <= order.cum) reason = 10;
    if (reason !== 0 || order === undefined) {
      this.sink.onRejected(3, id, reason);
      return reason;
    }
    const top = this.top();
    const leaves = quantity - order.cum;
    if (price === order.price && leaves <= order.leaves) {
      order.leaves = leaves;
      order.id = newId;
      this.sink.onReplaced(id, newId, price, leaves, order.cum, order.notional, true);
    } else {
      this.orders = this.orders.filter((other) => other !== order);
      this.sink.onReplaced(id, newId, price, leaves, order.cum, order.notional, false);
      this.aggress({ ...order, id: newId, price, leaves }, false, true);
    }
    this.reportTop(top);
    return 0;
  }

  massCancel(owner: number | undefined): number {
    if (owner !== undefined && !isId(owner)) {
      this.sink.onRejected(4, owner, 9);
      return 0;
    }
    const doomed = this.sorted().filter((order) => owner === undefined || order.owner === owner);
    if (doomed.length === 0) return 0;
    const top = this.top();
    for (const order of doomed) this.remove(order, 3);
    this.reportTop(top);
    return doomed.length;
  }

  private find(id: number): Order | undefined {
    return this.orders.find((order) => order.id === id);
  }

  private crosses(order: Order, market: boolean, resting: Order): boolean {
    return market || (order.side === 1 ? resting.price <= order.price : resting.price >= order.price);
  }

  /** Opposite orders the incoming order may reach, in priority order. */
  private opposite(order: Order, market: boolean): Order[] {
    return this.sorted().filter((resting) => resting.side !== order.side && this.crosses(order, market, resting));
  }

  private fillable(order: Order, market: boolean): number {
    let available = 0;
    for (const resting of this.opposite(order, market)) {
      if (this.stp !== 0 && resting.owner === order.owner) {
        if (this.stp === 2) continue;
        break;
      }
      available += resting.leaves;
    }
    return available;
  }

  private aggress(order: Order, market: boolean, rests: boolean): void {
    while (order.leaves > 0) {
      const resting = this.opposite(order, market)[0];
      if (resting === undefined) break;
      if (this.stp !== 0 && resting.owner === order.owner) {
        if (this.stp === 2 || this.stp === 3) this.remove(resting, 2);
        if (this.stp === 1 || this.stp === 3) {
          this.sink.onCanceled(order.id, order.leaves, order.cum, order.notional, 2);
          return;
        }
        continue;
      }
      const quantity = Math.min(order.leaves, resting.leaves);
      order.leaves -= quantity;
      order.cum += quantity;
      order.notional += quantity * resting.price;
      resting.leaves -= quantity;
      resting.cum += quantity;
      resting.notional += quantity * resting.price;
      if (resting.leaves === 0) this.orders = this.orders.filter((other) => other !== resting);
      this.sink.onTrade(order.id, resting.id, resting.price, quantity, order.leaves, order.cum, order.notional, resting.leaves, resting.cum, resting.notional);
    }
    if (order.leaves === 0) return;
    if (rests) this.orders.push({ ...order, stamp: ++this.stamp });
    else this.sink.onExpired(order.id, order.leaves, order.cum, order.notional);
  }

  private remove(order: Order, reason: number): void {
    this.orders = this.orders.filter((other) => other !== order);
    this.sink.onCanceled(order.id, order.leaves, order.cum, order.notional, reason);
  }

  private top(): [number, number, number, number] {
    const best = (side: number): [number, number] => {
      const orders = this.sorted().filter((order) => order.side === side);
      if (orders.length === 0) return [Number.NaN, 0];
      const price = orders[0].price;
      return [price, orders.filter((order) => order.price === price).reduce((sum, order) => sum + order.leaves, 0)];
    };
    return [...best(1), ...best(2)];
  }

  private reportTop(before: [number, number, number, number]): void {
    const after = this.top();
    if (!after.every((value, index) => Object.is(value, before[index]))) this.sink.onBookChanged(...after);
  }
}
