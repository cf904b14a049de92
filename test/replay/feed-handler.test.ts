// LobsterFeedHandler: order events in, a quote record per change of the top of book out.
// - hand-written streams: empty sides, halts (type 7), hidden executions (type 5), cross
//   trades (6), unknown ids, rejected events, deeper levels, several instruments, times;
// - property: on random streams the handler quotes exactly when a simple reference book's
//   top (test/book/reference-book.ts) changes, and the quote is that top;
// (Allocation: feed-handler-allocation.test.ts.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLobsterBookRow } from '../../runtime/book/lobster.ts';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { RecordFlag, RecordType, Word } from '../../runtime/record/record-layout.ts';
import { LobsterFeedHandler } from '../../runtime/replay/lobster-feed-handler.ts';
import { LOBSTER_PRICE_SCALE } from '../../runtime/replay/lobster-source.ts';
import { OrderEventType, emptyOrderEvent, type OrderEvent } from '../../runtime/replay/order-event.ts';
import { ReferenceBook } from '../book/reference-book.ts';

const MIDNIGHT_MS = Date.parse('2012-06-21T04:00:00Z');
const T0 = 34_200_000_000_000;

/** A handler for instruments 1 (and 2), New York midnight of the sample's date, LOBSTER prices. */
function handlerOf(...instruments: number[]): LobsterFeedHandler {
  const handler = new LobsterFeedHandler();
  for (const id of instruments.length === 0 ? [1] : instruments) handler.addInstrument(id, { midnightUtcMs: MIDNIGHT_MS, priceScale: LOBSTER_PRICE_SCALE });
  return handler;
}

/** An event from a LOBSTER-like line: "type,id,size,price,direction" (instrument 1 unless given). */
function eventOf(text: string, instrumentId = 1, timeOfDayNs = T0): OrderEvent {
  const [type, orderId, size, price, direction] = text.split(',').map(Number);
  return Object.assign(emptyOrderEvent(), { instrumentId, timeOfDayNs, type, orderId, size, price, direction });
}

/** What one event made: the quote's [bid, bidSize, ask, askSize] in ticks, or undefined. */
function step(handler: LobsterFeedHandler, text: string, instrumentId = 1): number[] | undefined {
  const out = new MarketDataRecord();
  if (!handler.onEvent(eventOf(text, instrumentId), out)) return undefined;
  return [out.bidPrice / LOBSTER_PRICE_SCALE, out.bidSize, out.askPrice / LOBSTER_PRICE_SCALE, out.askSize];
}

describe('LobsterFeedHandler conventions', () => {
  it('an empty side is price 0 size 0; before the first quote both sides count as empty', () => {
    const handler = handlerOf();
    expect(step(handler, '5,0,100,1000,1')).toBeUndefined();
    expect(step(handler, '1,10,5,1000,1')).toEqual([1000, 5, 0, 0]);
    expect(step(handler, '1,11,7,1010,-1')).toEqual([1000, 5, 1010, 7]);
    expect(step(handler, '3,10,5,1000,1')).toEqual([0, 0, 1010, 7]);
    expect(step(handler, '4,11,7,1010,-1')).toEqual([0, 0, 0, 0]);
    expect([handler.messages, handler.quotes]).toEqual([5, 4]);
  });

  it('quotes changes of the best price or its size, not of deeper levels', () => {
    const handler = handlerOf();
    step(handler, '1,10,5,1000,1');
    expect(step(handler, '1,12,3,999,1')).toBeUndefined();
    expect(step(handler, '2,12,1,999,1')).toBeUndefined();
    expect(step(handler, '1,13,4,1000,1')).toEqual([1000, 9, 0, 0]);
    expect(step(handler, '2,10,2,1000,1')).toEqual([1000, 7, 0, 0]);
    expect(step(handler, '1,14,1,1001,1')).toEqual([1001, 1, 0, 0]);
  });

  it('hidden executions, cross trades and halts leave the book and write nothing; the trading state is kept', () => {
    const handler = handlerOf();
    step(handler, '1,10,5,1000,1');
    step(handler, '1,11,7,1010,-1');
    expect(step(handler, `${OrderEventType.hiddenExecution},0,100,1005,-1`)).toBeUndefined();
    expect(step(handler, `${OrderEventType.crossTrade},0,100,1005,-1`)).toBeUndefined();
    expect(step(handler, '7,0,0,-1,-1')).toBeUndefined();
    expect(handler.tradingState(1)).toBe('halted');
    expect(step(handler, '7,0,0,0,-1')).toBeUndefined();
    expect(handler.tradingState(1)).toBe('quoting');
    expect(step(handler, '7,0,0,1,-1')).toBeUndefined();
    expect(handler.tradingState(1)).toBe('trading');
    expect(step(handler, '4,11,2,1010,-1')).toEqual([1000, 5, 1010, 5]);
    expect([handler.messages, handler.quotes, handler.rejected, handler.unseen]).toEqual([8, 3, 0, 0]);
  });

  it('unknown ids: taken from a seeded level (pre-existing orders), else counted as unseen and skipped', () => {
    const handler = handlerOf();
    handler.seed(1, parseLobsterBookRow('1010,5,1000,7,1020,3,990,2', 1));
    const out = new MarketDataRecord();
    expect(handler.quoteIfTopChanged(eventOf('0,0,0,0,1'), out, RecordFlag.snapshot)).toBe(true);
    expect(out.flags).toBe(RecordFlag.snapshot | RecordFlag.replayed);
    expect(step(handler, '4,777,3,1000,1')).toEqual([1000, 4, 1010, 5]);
    expect(step(handler, '3,778,4,1000,1')).toEqual([990, 2, 1010, 5]);
    expect(step(handler, '3,779,4,980,1')).toBeUndefined();
    expect(step(handler, '2,780,1,1010,1')).toBeUndefined();
    expect([handler.unseen, handler.rejected]).toEqual([2, 0]);
  });

  it('events the book rejects change nothing, write nothing and are counted', () => {
    const handler = handlerOf();
    step(handler, '1,10,5,1000,1');
    step(handler, '1,11,7,1010,-1');
    expect(step(handler, '1,10,5,1001,1')).toBeUndefined();
    expect(step(handler, '1,12,5,1010,1')).toBeUndefined();
    expect(step(handler, '4,10,6,1000,1')).toBeUndefined();
    expect(handler.rejected).toBe(3);
  });

  it('keeps one book and one last quote per instrument; an unknown instrument is an error', () => {
    const handler = handlerOf(1, 2);
    expect(step(handler, '1,10,5,1000,1', 1)).toEqual([1000, 5, 0, 0]);
    expect(step(handler, '1,10,5,1000,1', 2)).toEqual([1000, 5, 0, 0]);
    expect(step(handler, '3,10,5,1000,1', 1)).toEqual([0, 0, 0, 0]);
    expect(step(handler, '1,11,5,1000,1', 2)).toEqual([1000, 10, 0, 0]);
    expect(() => step(handler, '1,10,5,1000,1', 3)).toThrow(/instrument 3 has no book/);
    expect(() => handler.addInstrument(2, { midnightUtcMs: MIDNIGHT_MS, priceScale: 1 })).toThrow(/already/);
  });

  it('writes a whole quote record: type, instrument, prices in PRICE_SCALE units, exact ns since the epoch', () => {
    const handler = handlerOf(7);
    const out = new MarketDataRecord();
    out.sequence = 99;
    expect(handler.onEvent(eventOf('1,10,18,5853300,1', 7, 34_200_004_241_176), out)).toBe(true);
    expect(out.toFields()).toMatchObject({ sequence: 99, publishTimeNs: 0, instrumentId: 7, type: RecordType.quote, flags: RecordFlag.replayed });
    expect([out.bidPrice, out.bidSize, out.askPrice, out.askSize]).toEqual([58_533_000_000, 18, 0, 0]);
    const words = out.words;
    const ns = (BigInt(words[Word.sourceTimeHi] >>> 0) << 32n) | BigInt(words[Word.sourceTimeLo] >>> 0);
    expect(ns).toBe(BigInt(Date.parse('2012-06-21T13:30:00Z')) * 1_000_000n + 4_241_176n);
    // The Number getter is as close as a double gets.
    expect(Math.abs(out.sourceTimeNs - Number(ns))).toBeLessThanOrEqual(128);
  });
});

describe('LobsterFeedHandler against a reference book', () => {
  type Top = [number, number, number, number];

  function referenceTop(book: ReferenceBook): Top {
    const bid = book.levels('buy')[0];
    const ask = book.levels('sell')[0];
    return [bid?.price ?? 0, bid?.quantity ?? 0, ask?.price ?? 0, ask?.quantity ?? 0];
  }

  /**
   * LOBSTER semantics on the reference book (no seed: an unknown id is skipped; a message
   * naming another price or side than its resting order's is refused).
   */
  function applyToReference(book: ReferenceBook, event: OrderEvent): void {
    const side = event.direction === 1 ? 'buy' : 'sell';
    if (event.type === OrderEventType.add) {
      book.add(event.orderId, side, event.price, event.size);
      return;
    }
    const resting = book.find(event.orderId);
    if (resting === undefined || resting.price !== event.price || resting.side !== side) return;
    if (event.type === OrderEventType.reduce || event.type === OrderEventType.execute) book.reduce(event.orderId, event.size);
    else if (event.type === OrderEventType.cancel) book.cancel(event.orderId);
  }

  const event = fc.record({
    instrumentId: fc.constant(1),
    timeOfDayNs: fc.integer({ min: 0, max: 86_399_999_999_999 }),
    type: fc.constantFrom(1, 1, 1, 2, 3, 4, 5, 6, 7),
    orderId: fc.integer({ min: 1, max: 12 }),
    size: fc.integer({ min: 1, max: 6 }),
    price: fc.integer({ min: 995, max: 1005 }),
    direction: fc.constantFrom(1, -1),
  });

  it('quotes exactly when the reference top changes, and the quote is that top at the event time', () => {
    fc.assert(
      fc.property(fc.array(event.map((fields) => Object.assign(emptyOrderEvent(), fields)), { maxLength: 200 }), (events) => {
        const handler = handlerOf();
        const reference = new ReferenceBook();
        const out = new MarketDataRecord();
        let last: Top = [0, 0, 0, 0];
        for (const [index, e] of events.entries()) {
          applyToReference(reference, e);
          const top = referenceTop(reference);
          const changed = top.join() !== last.join();
          const quoted = handler.onEvent(e, out);
          expect(quoted, `event ${index}`).toBe(changed);
          if (!quoted) continue;
          last = top;
          expect([out.bidPrice / LOBSTER_PRICE_SCALE, out.bidSize, out.askPrice / LOBSTER_PRICE_SCALE, out.askSize]).toEqual(top);
          expect(out.sourceTimeNs).toBe(MIDNIGHT_MS * 1e6 + e.timeOfDayNs);
        }
        expect(handler.messages).toBe(events.length);
      }),
      { numRuns: 300, endOnFailure: true },
    );
  });
});
