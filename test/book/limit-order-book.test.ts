// Examples of LimitOrderBook behaviour that the model-based test covers only at random:
// time priority, depth snapshots, and each rejection leaving the book untouched.
import { describe, expect, it } from 'vitest';
import { BookError, expectOk } from '../../runtime/book/book-result.ts';
import { LimitOrderBook, depthLevels } from '../../runtime/book/limit-order-book.ts';

function sampleBook(): LimitOrderBook {
  const book = new LimitOrderBook();
  expectOk(book.add(1, 'buy', 100, 5), 1, 'add');
  expectOk(book.add(2, 'buy', 100, 7), 2, 'add');
  expectOk(book.add(3, 'buy', 99, 4), 3, 'add');
  expectOk(book.add(4, 'sell', 102, 3), 4, 'add');
  expectOk(book.add(5, 'sell', 103, 8), 5, 'add');
  return book;
}

describe('LimitOrderBook', () => {
  it('keeps best prices, levels and FIFO queues', () => {
    const book = sampleBook();
    expect([book.bestBidPrice(), book.bestBidQuantity(), book.bestAskPrice(), book.bestAskQuantity()]).toEqual([100, 12, 102, 3]);
    expect(book.queueAt('buy', 100)).toEqual([1, 2]);
    const bids = depthLevels(3);
    expect(book.depth('buy', bids)).toBe(2);
    expect([...bids.prices.subarray(0, 2)]).toEqual([100, 99]);
    expect([...bids.quantities.subarray(0, 2)]).toEqual([12, 4]);
    expect([...bids.orderCounts.subarray(0, 2)]).toEqual([2, 1]);
    expect(book.order(2)).toEqual({ id: 2, side: 'buy', price: 100, quantity: 7 });
  });

  it('reduces, executes and cancels; an order taken to zero leaves its level', () => {
    const book = sampleBook();
    expect(book.reduce(1, 2)).toBe('ok');
    expect(book.queueAt('buy', 100)).toEqual([1, 2]);
    expect(book.execute(1, 3)).toBe('ok');
    expect(book.queueAt('buy', 100)).toEqual([2]);
    expect(book.execute(4, 3)).toBe('ok');
    expect(book.bestAskPrice()).toBe(103);
    expect(book.cancel(2)).toBe('ok');
    expect(book.bestBidPrice()).toBe(99);
    expect(book.orderCount).toBe(2);
  });

  it('replace moves the order to the back of the queue, even at the same price', () => {
    const book = sampleBook();
    expect(book.replace(1, 1, 100, 5)).toBe('ok');
    expect(book.queueAt('buy', 100)).toEqual([2, 1]);
    expect(book.replace(2, 20, 101, 1)).toBe('ok');
    expect(book.hasOrder(2)).toBe(false);
    expect([book.bestBidPrice(), book.orderPrice(20)]).toEqual([101, 101]);
  });

  it('rejects bad updates and changes nothing', () => {
    const book = sampleBook();
    const before = JSON.stringify([book.queueAt('buy', 100), book.queueAt('buy', 99), book.queueAt('sell', 102), book.order(1)]);
    expect(book.add(1, 'sell', 110, 1)).toBe('duplicate-order');
    expect(book.add(9, 'buy', 102, 1)).toBe('locks-book');
    expect(book.add(9, 'buy', 104, 1)).toBe('crosses-book');
    expect(book.add(9, 'sell', 100, 1)).toBe('locks-book');
    expect(book.add(9, 'sell', 98, 1)).toBe('crosses-book');
    expect(book.add(9, 'sell', 104, 0)).toBe('bad-quantity');
    expect(book.add(9, 'sell', 104.5, 1)).toBe('bad-price');
    expect(book.add(Number.NaN, 'sell', 104, 1)).toBe('bad-order-id');
    expect(book.reduce(42, 1)).toBe('unknown-order');
    expect(book.reduce(1, 6)).toBe('bad-quantity');
    expect(book.execute(1, -1)).toBe('bad-quantity');
    expect(book.cancel(42)).toBe('unknown-order');
    expect(book.replace(42, 43, 100, 1)).toBe('unknown-order');
    expect(book.replace(1, 2, 100, 1)).toBe('duplicate-order');
    expect(book.replace(1, 1, 102, 1)).toBe('locks-book');
    expect(book.replace(4, 4, 99, 1)).toBe('crosses-book');
    expect(JSON.stringify([book.queueAt('buy', 100), book.queueAt('buy', 99), book.queueAt('sell', 102), book.order(1)])).toBe(before);
    expect(book.orderCount).toBe(5);
  });

  it('expectOk throws a BookError naming the rejection', () => {
    const book = sampleBook();
    expect(() => expectOk(book.cancel(42), 42, 'cancel')).toThrow(BookError);
    expect(() => expectOk(book.cancel(42), 42, 'cancel')).toThrow(/cancel of order 42 rejected: .*\(unknown-order\)/);
  });

  it('grows its pools past their initial size', () => {
    const book = new LimitOrderBook({ initialOrders: 1, initialLevels: 1 });
    for (let id = 0; id < 500; id++) expectOk(book.add(id, id % 2 === 0 ? 'buy' : 'sell', id % 2 === 0 ? 1000 - id : 1001 + id, 1), id, 'add');
    expect([book.orderCount, book.levelCount('buy'), book.levelCount('sell')]).toEqual([500, 250, 250]);
    expect([book.bestBidPrice(), book.bestAskPrice()]).toEqual([1000, 1002]);
    for (let id = 0; id < 500; id++) expectOk(book.cancel(id), id, 'cancel');
    expect([book.orderCount, book.bestBidPrice(), book.bestAskPrice()]).toEqual([0, undefined, undefined]);
  });
});
