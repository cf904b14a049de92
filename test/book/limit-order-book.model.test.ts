// Model-based test of LimitOrderBook: random sequences of add, reduce, cancel, execute and
// replace (valid and invalid: unknown and duplicate ids, bad quantities and prices, orders
// that would cross or lock the book) run against the book and a deliberately simple
// ReferenceBook. After every command both must have returned the same result and agree on
// every query: best prices and quantities, every level and its FIFO queue, every order.
// The book starts with one order row and one level per side so that pool growth is
// exercised too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LimitOrderBook, depthLevels, type Side } from '../../runtime/book/limit-order-book.ts';
import type { BookResult } from '../../runtime/book/book-result.ts';
import { ReferenceBook } from './reference-book.ts';

type BookCommand = fc.Command<ReferenceBook, LimitOrderBook>;

const MAX_ID = 12;

/** Valid ids at the edges: zero, 32-bit boundaries, the largest safe integers. */
const EDGE_IDS = [0, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
const ids = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: MAX_ID }), weight: 20 },
  { arbitrary: fc.constantFrom(...EDGE_IDS), weight: 2 },
  { arbitrary: fc.constantFrom(-3, 0.5, 2 ** 53), weight: 1 },
);
const sides = fc.constantFrom<Side>('buy', 'sell');
const prices = fc.oneof(
  { arbitrary: fc.integer({ min: 90, max: 110 }), weight: 30 },
  { arbitrary: fc.constantFrom(1.5, Number.NaN, -5), weight: 1 },
);
const quantities = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 12 }), weight: 20 },
  { arbitrary: fc.constantFrom(0, -1, 2.5, Number.NaN, 1000), weight: 1 },
  // Near 2^53: a side's total must stay exact, so some of these are refused.
  { arbitrary: fc.constantFrom(2 ** 52, Number.MAX_SAFE_INTEGER - 5, Number.MAX_SAFE_INTEGER), weight: 1 },
);

function expectSameState(model: ReferenceBook, real: LimitOrderBook): void {
  expect(real.orderCount).toBe(model.orders.length);
  for (const side of ['buy', 'sell'] as const) {
    const levels = model.levels(side);
    expect(real.levelCount(side)).toBe(levels.length);
    const out = depthLevels(levels.length + 1);
    const written = real.depth(side, out);
    expect(written).toBe(levels.length);
    for (let depth = 0; depth < levels.length; depth++) {
      const level = levels[depth];
      expect([out.prices[depth], out.quantities[depth], out.orderCounts[depth]]).toEqual([
        level.price,
        level.quantity,
        level.orders,
      ]);
      expect(real.queueAt(side, level.price)).toEqual(model.queue(side, level.price));
      expect(real.quantityAt(side, level.price)).toBe(level.quantity);
    }
    const best = levels[0];
    expect(side === 'buy' ? real.bestBidPrice() : real.bestAskPrice()).toBe(best?.price);
    expect(side === 'buy' ? real.bestBidQuantity() : real.bestAskQuantity()).toBe(best?.quantity ?? 0);
  }
  for (const id of [...Array.from({ length: 2 * MAX_ID + 1 }, (_, index) => index - MAX_ID), ...EDGE_IDS]) {
    const order = model.find(id);
    expect(real.hasOrder(id)).toBe(order !== undefined);
    expect(real.order(id)).toEqual(order);
    expect(real.orderQuantity(id)).toBe(order?.quantity);
    expect(real.orderPrice(id)).toBe(order?.price);
  }
}

type BookApi = Pick<ReferenceBook, 'add' | 'reduce' | 'execute' | 'cancel' | 'replace' | 'clear'>;

/** One operation, applied to the reference first and then to the book. */
class Step implements BookCommand {
  readonly label: string;
  readonly apply: (book: BookApi) => BookResult | undefined;

  constructor(label: string, apply: (book: BookApi) => BookResult | undefined) {
    this.label = label;
    this.apply = apply;
  }

  check(): boolean {
    return true;
  }

  run(model: ReferenceBook, real: LimitOrderBook): void {
    const expected = this.apply(model);
    expect(this.apply(real)).toBe(expected);
    expectSameState(model, real);
  }

  toString(): string {
    return this.label;
  }
}

const add = fc
  .tuple(ids, sides, prices, quantities)
  .map(([id, side, price, quantity]) => new Step(`add(${id}, ${side}, ${price}, ${quantity})`, (book) => book.add(id, side, price, quantity)));

const take = fc
  .tuple(fc.constantFrom<'reduce' | 'execute'>('reduce', 'execute'), ids, quantities)
  .map(([how, id, quantity]) => new Step(`${how}(${id}, ${quantity})`, (book) => book[how](id, quantity)));

// Executes exactly what is left, which removes the order.
const executeAll = ids.map(
  (id) =>
    new Step(`executeAll(${id})`, (book) => {
      const left = book instanceof ReferenceBook ? book.find(id)?.quantity : (book as LimitOrderBook).orderQuantity(id);
      return book.execute(id, left ?? 1);
    }),
);

const cancel = ids.map((id) => new Step(`cancel(${id})`, (book) => book.cancel(id)));

const replace = fc
  // Negated ids, but no -0: the book takes -0 for 0 (===), and order(id) echoes the id asked for.
  .tuple(ids, fc.oneof(ids, ids.map((id) => (id === 0 ? 0 : -id))), prices, quantities)
  .map(
    ([id, newId, price, quantity]) =>
      new Step(`replace(${id}, ${newId}, ${price}, ${quantity})`, (book) => book.replace(id, newId, price, quantity)),
  );

const clear = fc.constant(
  new Step('clear()', (book) => {
    book.clear();
    return undefined;
  }),
);

// One weighted arbitrary: adds dominate so that the book fills up, clear() is rare.
const commands = [
  fc.oneof(
    { arbitrary: add, weight: 8 },
    { arbitrary: take, weight: 3 },
    { arbitrary: executeAll, weight: 2 },
    { arbitrary: cancel, weight: 2 },
    { arbitrary: replace, weight: 3 },
    { arbitrary: clear, weight: 1 },
  ),
];

describe('LimitOrderBook against a reference book', () => {
  it('agrees on results and state for random command sequences', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 100, size: '+1' }), (cmds) => {
        fc.modelRun(() => ({ model: new ReferenceBook(), real: new LimitOrderBook({ initialOrders: 1, initialLevels: 1 }) }), cmds);
      }),
      { numRuns: 100, endOnFailure: true },
    );
  });
});
