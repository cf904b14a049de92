// The matching engine's semantics, one rule at a time, with the exact events expected:
// price-time priority, trade price = resting price, limit/market/IOC/FOK, cancel, replace
// (quantity down keeps priority; price change or quantity up loses it), self-trade
// prevention in each mode, mass cancel, and every reject reason leaving the book unchanged.
import { describe, expect, it } from 'vitest';
import { MatchingEngine } from '../../runtime/matching/matching-engine.ts';
import {
  CANCEL_MASS, CANCEL_REQUESTED, CANCEL_SELF_TRADE, COMMAND_CANCEL, COMMAND_MASS_CANCEL, COMMAND_REPLACE, COMMAND_SUBMIT,
  ORDER_TYPE_LIMIT as LMT, ORDER_TYPE_MARKET as MKT, REJECT_BAD_ORDER_ID, REJECT_BAD_ORDER_TYPE, REJECT_BAD_OWNER_ID, REJECT_BAD_PRICE,
  REJECT_BAD_QUANTITY, REJECT_BAD_SIDE, REJECT_BAD_TIME_IN_FORCE, REJECT_DUPLICATE_ORDER_ID, REJECT_REPLACE_BELOW_FILLED, REJECT_UNKNOWN_ORDER,
  SIDE_BUY as BUY, SIDE_SELL as SELL, STP_CANCEL_AGGRESSOR, STP_CANCEL_BOTH, STP_CANCEL_RESTING, TIF_DAY, TIF_FOK, TIF_GTC as GTC, TIF_IOC,
  averagePrice, rejectReasonName,
} from '../../runtime/matching/matching-events.ts';
import { RecordingSink } from './recording-sink.ts';

function engine(selfTradePrevention = 0): { engine: MatchingEngine; sink: RecordingSink } {
  const sink = new RecordingSink();
  return { engine: new MatchingEngine(sink, { selfTradePrevention, initialOrders: 1, initialLevels: 1 }), sink };
}

/** Every resting order, per side best first and FIFO within a level: [id, price, leaves, cum]. */
function restingOrders(matching: MatchingEngine): number[][] {
  return matching.restingOrders().map((order) => [order.id, order.price, order.leaves, order.cum]);
}

describe('MatchingEngine', () => {
  it('rests limit orders and fills an aggressor against them in price then time priority, at the resting prices', () => {
    const { engine: m, sink } = engine();
    m.submit(1, 10, SELL, LMT, GTC, 101, 5);
    m.submit(2, 11, SELL, LMT, GTC, 100, 3);
    m.submit(3, 12, SELL, LMT, GTC, 100, 4);
    sink.take();
    expect(m.submit(4, 20, BUY, LMT, GTC, 101, 10)).toBe(0);
    expect(sink.take()).toEqual([
      ['accepted', 4, 20, BUY, LMT, GTC, 101, 10],
      ['trade', 4, 2, 100, 3, 7, 3, 300, 0, 3, 300],
      ['trade', 4, 3, 100, 4, 3, 7, 700, 0, 4, 400],
      ['trade', 4, 1, 101, 3, 0, 10, 1003, 2, 3, 303],
      ['top', Number.NaN, 0, 101, 2],
    ]);
    expect(averagePrice(1003, 10)).toBeCloseTo(100.3);
    expect(restingOrders(m)).toEqual([[1, 101, 2, 3]]);
    expect(m.orderCum(1)).toBe(3);
    expect(m.orderNotional(1)).toBe(303);
  });

  it('rests the unfilled rest of a limit order at its own price, never crossing or locking the book', () => {
    const { engine: m, sink } = engine();
    m.submit(1, 1, SELL, LMT, GTC, 100, 2);
    sink.take();
    m.submit(2, 2, BUY, LMT, TIF_DAY, 100, 5);
    expect(sink.take()).toEqual([
      ['accepted', 2, 2, BUY, LMT, TIF_DAY, 100, 5],
      ['trade', 2, 1, 100, 2, 3, 2, 200, 0, 2, 200],
      ['top', 100, 3, Number.NaN, 0],
    ]);
    expect(restingOrders(m)).toEqual([[2, 100, 3, 2]]);
    expect(m.book.bestAskPrice()).toBeUndefined();
  });

  it('sweeps levels with a market order and expires what the book cannot fill', () => {
    const { engine: m, sink } = engine();
    m.submit(1, 1, BUY, LMT, GTC, 99, 2);
    m.submit(2, 1, BUY, LMT, GTC, 98, 2);
    sink.take();
    m.submit(3, 2, SELL, MKT, GTC, 0, 5);
    expect(sink.take()).toEqual([
      ['accepted', 3, 2, SELL, MKT, GTC, 0, 5],
      ['trade', 3, 1, 99, 2, 3, 2, 198, 0, 2, 198],
      ['trade', 3, 2, 98, 2, 1, 4, 394, 0, 2, 196],
      ['expired', 3, 1, 4, 394],
      ['top', Number.NaN, 0, Number.NaN, 0],
    ]);
    expect(m.book.orderCount).toBe(0);
  });

  it('expires an IOC remainder instead of resting it', () => {
    const { engine: m, sink } = engine();
    m.submit(1, 1, SELL, LMT, GTC, 100, 2);
    m.submit(2, 1, SELL, LMT, GTC, 102, 2);
    sink.take();
    m.submit(3, 2, BUY, LMT, TIF_IOC, 101, 5);
    expect(sink.take()).toEqual([
      ['accepted', 3, 2, BUY, LMT, TIF_IOC, 101, 5],
      ['trade', 3, 1, 100, 2, 3, 2, 200, 0, 2, 200],
      ['expired', 3, 3, 2, 200],
      ['top', Number.NaN, 0, 102, 2],
    ]);
  });

  it('fills a FOK whole across levels, or expires it whole leaving the book untouched', () => {
    const { engine: m, sink } = engine();
    m.submit(1, 1, SELL, LMT, GTC, 100, 2);
    m.submit(2, 1, SELL, LMT, GTC, 101, 2);
    sink.take();
    m.submit(3, 2, BUY, LMT, TIF_FOK, 101, 5);
    expect(sink.take()).toEqual([['accepted', 3, 2, BUY, LMT, TIF_FOK, 101, 5], ['expired', 3, 5, 0, 0]]);
    expect(restingOrders(m)).toEqual([[1, 100, 2, 0], [2, 101, 2, 0]]);
    m.submit(4, 2, BUY, LMT, TIF_FOK, 101, 3);
    expect(sink.take()).toEqual([
      ['accepted', 4, 2, BUY, LMT, TIF_FOK, 101, 3],
      ['trade', 4, 1, 100, 2, 1, 2, 200, 0, 2, 200],
      ['trade', 4, 2, 101, 1, 0, 3, 301, 1, 1, 101],
      ['top', Number.NaN, 0, 101, 1],
    ]);
    m.submit(5, 2, BUY, MKT, TIF_FOK, 0, 2);
    expect(sink.take()).toEqual([['accepted', 5, 2, BUY, MKT, TIF_FOK, 0, 2], ['expired', 5, 2, 0, 0]]);
  });

  it('cancels a resting order with its unfilled quantity, and rejects a cancel of an unknown order', () => {
    const { engine: m, sink } = engine();
    m.submit(1, 1, BUY, LMT, GTC, 100, 5);
    m.submit(2, 2, SELL, MKT, TIF_IOC, 0, 2);
    sink.take();
    expect(m.cancel(1)).toBe(0);
    expect(sink.take()).toEqual([['canceled', 1, 3, 2, 200, CANCEL_REQUESTED], ['top', Number.NaN, 0, Number.NaN, 0]]);
    expect(m.cancel(1)).toBe(REJECT_UNKNOWN_ORDER);
    expect(sink.take()).toEqual([['rejected', COMMAND_CANCEL, 1, REJECT_UNKNOWN_ORDER]]);
  });

  describe('replace', () => {
    function queued(): { engine: MatchingEngine; sink: RecordingSink } {
      const made = engine();
      for (const id of [1, 2, 3]) made.engine.submit(id, id, BUY, LMT, GTC, 100, 5);
      made.sink.take();
      return made;
    }

    it('keeps queue priority when only the quantity goes down (new id or not), quantity being the new total order quantity', () => {
      const { engine: m, sink } = queued();
      m.submit(9, 9, SELL, LMT, GTC, 100, 1);
      sink.take();
      expect(m.replace(1, 7, 100, 3)).toBe(0);
      expect(sink.take()).toEqual([['replaced', 1, 7, 100, 2, 1, 100, true], ['top', 100, 12, Number.NaN, 0]]);
      expect(m.book.queueAt('buy', 100)).toEqual([7, 2, 3]);
      expect(m.replace(7, 7, 100, 3)).toBe(0);
      expect(sink.take()).toEqual([['replaced', 7, 7, 100, 2, 1, 100, true]]);
    });

    it('sends the order to the back of its queue when the quantity goes up or the price changes', () => {
      const { engine: m, sink } = queued();
      m.replace(1, 1, 100, 6);
      expect(sink.take()).toEqual([['replaced', 1, 1, 100, 6, 0, 0, false], ['top', 100, 16, Number.NaN, 0]]);
      expect(m.book.queueAt('buy', 100)).toEqual([2, 3, 1]);
      m.replace(2, 2, 99, 5);
      m.replace(2, 2, 100, 5);
      expect(m.book.queueAt('buy', 100)).toEqual([3, 1, 2]);
    });

    it('trades a replace whose new price crosses the book, as an aggressor, before the rest rests', () => {
      const { engine: m, sink } = queued();
      m.submit(9, 9, SELL, LMT, GTC, 101, 2);
      sink.take();
      m.replace(1, 4, 101, 5);
      expect(sink.take()).toEqual([
        ['replaced', 1, 4, 101, 5, 0, 0, false],
        ['trade', 4, 9, 101, 2, 3, 2, 202, 0, 2, 202],
        ['top', 101, 3, Number.NaN, 0],
      ]);
      expect(restingOrders(m)[0]).toEqual([4, 101, 3, 2]);
    });

    it('rejects a new quantity at or below what the order has filled, an unknown order and a new id in use', () => {
      const { engine: m, sink } = queued();
      m.submit(9, 9, SELL, LMT, GTC, 100, 2);
      sink.take();
      const before = restingOrders(m);
      expect(m.replace(1, 1, 100, 2)).toBe(REJECT_REPLACE_BELOW_FILLED);
      expect(m.replace(8, 8, 100, 2)).toBe(REJECT_UNKNOWN_ORDER);
      expect(m.replace(2, 3, 100, 2)).toBe(REJECT_DUPLICATE_ORDER_ID);
      expect(sink.take()).toEqual([
        ['rejected', COMMAND_REPLACE, 1, REJECT_REPLACE_BELOW_FILLED],
        ['rejected', COMMAND_REPLACE, 8, REJECT_UNKNOWN_ORDER],
        ['rejected', COMMAND_REPLACE, 2, REJECT_DUPLICATE_ORDER_ID],
      ]);
      expect(restingOrders(m)).toEqual(before);
    });
  });

  describe('self-trade prevention', () => {
    function withOwnOrders(mode: number): { engine: MatchingEngine; sink: RecordingSink } {
      const made = engine(mode);
      made.engine.submit(1, 5, SELL, LMT, GTC, 100, 2);
      made.engine.submit(2, 7, SELL, LMT, GTC, 100, 2);
      made.engine.submit(3, 6, SELL, LMT, GTC, 101, 2);
      made.sink.take();
      return made;
    }

    it('off: an owner trades with itself', () => {
      const { engine: m, sink } = withOwnOrders(0);
      m.submit(4, 7, BUY, LMT, GTC, 100, 4);
      expect(sink.take().filter((event) => event[0] === 'trade').map((event) => event[2])).toEqual([1, 2]);
    });

    it('cancel resting: the own resting order is canceled and matching goes on', () => {
      const { engine: m, sink } = withOwnOrders(STP_CANCEL_RESTING);
      m.submit(4, 5, BUY, LMT, GTC, 101, 3);
      expect(sink.take()).toEqual([
        ['accepted', 4, 5, BUY, LMT, GTC, 101, 3],
        ['canceled', 1, 2, 0, 0, CANCEL_SELF_TRADE],
        ['trade', 4, 2, 100, 2, 1, 2, 200, 0, 2, 200],
        ['trade', 4, 3, 101, 1, 0, 3, 301, 1, 1, 101],
        ['top', Number.NaN, 0, 101, 1],
      ]);
    });

    it('cancel aggressor: the aggressor stops and its rest is canceled; the resting order stays', () => {
      const { engine: m, sink } = withOwnOrders(STP_CANCEL_AGGRESSOR);
      m.submit(4, 7, BUY, LMT, GTC, 101, 3);
      expect(sink.take()).toEqual([
        ['accepted', 4, 7, BUY, LMT, GTC, 101, 3],
        ['trade', 4, 1, 100, 2, 1, 2, 200, 0, 2, 200],
        ['canceled', 4, 1, 2, 200, CANCEL_SELF_TRADE],
        ['top', Number.NaN, 0, 100, 2],
      ]);
      expect(m.book.hasOrder(2)).toBe(true);
    });

    it('cancel both: the resting and the aggressing order are canceled', () => {
      const { engine: m, sink } = withOwnOrders(STP_CANCEL_BOTH);
      m.submit(4, 5, BUY, LMT, GTC, 101, 3);
      expect(sink.take()).toEqual([
        ['accepted', 4, 5, BUY, LMT, GTC, 101, 3],
        ['canceled', 1, 2, 0, 0, CANCEL_SELF_TRADE],
        ['canceled', 4, 3, 0, 0, CANCEL_SELF_TRADE],
        ['top', Number.NaN, 0, 100, 2],
      ]);
    });

    it('a FOK that would meet its own order under cancel aggressor expires whole', () => {
      const { engine: m, sink } = withOwnOrders(STP_CANCEL_AGGRESSOR);
      m.submit(4, 7, BUY, LMT, TIF_FOK, 101, 3);
      expect(sink.take()).toEqual([['accepted', 4, 7, BUY, LMT, TIF_FOK, 101, 3], ['expired', 4, 3, 0, 0]]);
    });
  });

  it('mass cancels one owner\'s orders (bids then asks, each best first, FIFO) or every order', () => {
    const { engine: m, sink } = engine();
    m.submit(1, 1, BUY, LMT, GTC, 99, 1);
    m.submit(2, 2, BUY, LMT, GTC, 100, 1);
    m.submit(3, 1, BUY, LMT, GTC, 100, 1);
    m.submit(4, 1, SELL, LMT, GTC, 101, 1);
    sink.take();
    expect(m.massCancel(1)).toBe(3);
    expect(sink.take()).toEqual([
      ['canceled', 3, 1, 0, 0, CANCEL_MASS],
      ['canceled', 1, 1, 0, 0, CANCEL_MASS],
      ['canceled', 4, 1, 0, 0, CANCEL_MASS],
      ['top', 100, 1, Number.NaN, 0],
    ]);
    expect(m.massCancel(-1)).toBe(0);
    expect(sink.take()).toEqual([['rejected', COMMAND_MASS_CANCEL, -1, REJECT_BAD_OWNER_ID]]);
    expect(m.massCancelAll()).toBe(1);
    expect(m.book.orderCount).toBe(0);
  });

  it.each([
    ['order id not an integer', [1.5, 1, BUY, LMT, GTC, 100, 1], REJECT_BAD_ORDER_ID],
    ['negative order id', [-1, 1, BUY, LMT, GTC, 100, 1], REJECT_BAD_ORDER_ID],
    ['order id in use', [1, 1, SELL, LMT, GTC, 105, 1], REJECT_DUPLICATE_ORDER_ID],
    ['owner id NaN', [5, Number.NaN, BUY, LMT, GTC, 100, 1], REJECT_BAD_OWNER_ID],
    ['side 3', [5, 1, 3, LMT, GTC, 100, 1], REJECT_BAD_SIDE],
    ['order type 3 (stop)', [5, 1, BUY, 3, GTC, 100, 1], REJECT_BAD_ORDER_TYPE],
    ['time in force 2 (at the opening)', [5, 1, BUY, LMT, 2, 100, 1], REJECT_BAD_TIME_IN_FORCE],
    ['price not an integer', [5, 1, BUY, LMT, GTC, 100.5, 1], REJECT_BAD_PRICE],
    ['price beyond maxPrice', [5, 1, BUY, LMT, GTC, 2e9, 1], REJECT_BAD_PRICE],
    ['quantity 0', [5, 1, BUY, LMT, GTC, 100, 0], REJECT_BAD_QUANTITY],
    ['quantity beyond maxQuantity', [5, 1, BUY, MKT, GTC, 0, 1e10], REJECT_BAD_QUANTITY],
    ['quantity Infinity', [5, 1, BUY, LMT, GTC, 100, Number.POSITIVE_INFINITY], REJECT_BAD_QUANTITY],
  ] as const)('rejects a submit with %s, changing nothing', (_name, args, reason) => {
    const { engine: m, sink } = engine();
    m.submit(1, 1, BUY, LMT, GTC, 100, 3);
    sink.take();
    const [id, owner, side, type, tif, price, quantity] = args;
    expect(m.submit(id, owner, side, type, tif, price, quantity), rejectReasonName(reason)).toBe(reason);
    expect(sink.take()).toEqual([['rejected', COMMAND_SUBMIT, id, reason]]);
    expect(restingOrders(m)).toEqual([[1, 100, 3, 0]]);
  });

  it('refuses options that could not keep notionals exact', () => {
    const sink = new RecordingSink();
    expect(() => new MatchingEngine(sink, { maxPrice: 2 ** 30, maxQuantity: 2 ** 30 })).toThrow(/maxPrice × maxQuantity/);
    expect(() => new MatchingEngine(sink, { selfTradePrevention: 9 })).toThrow(/selfTradePrevention/);
  });
});
