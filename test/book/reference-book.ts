// A deliberately simple order book for model-based tests: a list of orders in arrival
// order, with every query answered by filtering and sorting it. Slow and obviously right.
import type { BookResult } from '../../runtime/book/book-result.ts';
import type { Side } from '../../runtime/book/limit-order-book.ts';

export interface ReferenceOrder {
  id: number;
  side: Side;
  price: number;
  quantity: number;
}

export interface ReferenceLevel {
  price: number;
  quantity: number;
  orders: number;
}

export class ReferenceBook {
  /** Resting orders, oldest first: a level's queue is its orders in this order. */
  orders: ReferenceOrder[] = [];

  add(id: number, side: Side, price: number, quantity: number): BookResult {
    if (!Number.isSafeInteger(id)) return 'bad-order-id';
    if (this.find(id) !== undefined) return 'duplicate-order';
    const check = this.placement(side, price, quantity);
    if (check === 'ok') this.orders.push({ id, side, price, quantity });
    return check;
  }

  reduce(id: number, quantity: number): BookResult {
    return this.take(id, quantity);
  }

  execute(id: number, quantity: number): BookResult {
    return this.take(id, quantity);
  }

  cancel(id: number): BookResult {
    if (this.find(id) === undefined) return 'unknown-order';
    this.orders = this.orders.filter((order) => order.id !== id);
    return 'ok';
  }

  replace(id: number, newId: number, price: number, quantity: number): BookResult {
    const order = this.find(id);
    if (order === undefined) return 'unknown-order';
    if (!Number.isSafeInteger(newId)) return 'bad-order-id';
    if (newId !== id && this.find(newId) !== undefined) return 'duplicate-order';
    const check = this.placement(order.side, price, quantity, order.quantity);
    if (check !== 'ok') return check;
    this.orders = this.orders.filter((other) => other.id !== id);
    this.orders.push({ id: newId, side: order.side, price, quantity });
    return 'ok';
  }

  clear(): void {
    this.orders = [];
  }

  find(id: number): ReferenceOrder | undefined {
    return this.orders.find((order) => order.id === id);
  }

  /** Levels of one side, best first. */
  levels(side: Side): ReferenceLevel[] {
    const byPrice = new Map<number, ReferenceLevel>();
    for (const order of this.orders) {
      if (order.side !== side) continue;
      const level = byPrice.get(order.price) ?? { price: order.price, quantity: 0, orders: 0 };
      level.quantity += order.quantity;
      level.orders += 1;
      byPrice.set(order.price, level);
    }
    return [...byPrice.values()].sort((a, b) => (side === 'buy' ? b.price - a.price : a.price - b.price));
  }

  queue(side: Side, price: number): number[] {
    return this.orders.filter((order) => order.side === side && order.price === price).map((order) => order.id);
  }

  /** `leaving`: the quantity of the order a replace takes off the same side first. */
  private placement(side: Side, price: number, quantity: number, leaving = 0): BookResult {
    if (!Number.isSafeInteger(price)) return 'bad-price';
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return 'bad-quantity';
    // The side's resting total must stay a safe integer (summed exactly, in BigInt).
    let total = BigInt(quantity) - BigInt(leaving);
    for (const order of this.orders) if (order.side === side) total += BigInt(order.quantity);
    if (total > BigInt(Number.MAX_SAFE_INTEGER)) return 'bad-quantity';
    const opposite = this.levels(side === 'buy' ? 'sell' : 'buy')[0];
    if (opposite !== undefined) {
      if (price === opposite.price) return 'locks-book';
      if (side === 'buy' ? price > opposite.price : price < opposite.price) return 'crosses-book';
    }
    return 'ok';
  }

  private take(id: number, quantity: number): BookResult {
    const order = this.find(id);
    if (order === undefined) return 'unknown-order';
    if (!Number.isSafeInteger(quantity) || quantity <= 0 || quantity > order.quantity) return 'bad-quantity';
    order.quantity -= quantity;
    if (order.quantity === 0) return this.cancel(id);
    return 'ok';
  }
}
