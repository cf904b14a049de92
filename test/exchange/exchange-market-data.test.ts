// The exchange's books as a market-data source: quotes on top-of-book changes and trade
// records per fill, through a RecordTransmitter; the seeded synthetic flow is deterministic;
// a LOBSTER message file becomes orders on the book.
import { describe, expect, it } from 'vitest';
import { Exchange } from '../../runtime/exchange/exchange.ts';
import { LobsterLiquidity } from '../../runtime/exchange/lobster-liquidity.ts';
import { SyntheticLiquidity } from '../../runtime/exchange/synthetic-liquidity.ts';
import { ORDER_TYPE_LIMIT, SIDE_BUY, SIDE_SELL, TIF_DAY } from '../../runtime/matching/matching-events.ts';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { recordToJsonObject } from '../../runtime/record/record-json.ts';
import type { RecordTransmitter } from '../../runtime/ring/record-transmitter.ts';
import { dataPath } from '../helpers/shared-data.ts';

class ArrayTransmitter implements RecordTransmitter {
  readonly published: MarketDataRecord[] = [];
  fullCount = 0;
  private claimed = new MarketDataRecord();
  get nextSequence(): number {
    return this.published.length;
  }
  tryClaim(): MarketDataRecord {
    this.claimed = new MarketDataRecord();
    this.claimed.sequence = this.published.length;
    return this.claimed;
  }
  commit(): void {
    this.published.push(this.claimed);
  }
  flush(): void {}
}

function exchangeWithRing(symbols = ['AAPL'], restingOrders?: number): { exchange: Exchange; ring: ArrayTransmitter } {
  const exchange = new Exchange({ symbols, tickSize: '0.01', restingOrders });
  const ring = new ArrayTransmitter();
  exchange.marketData.attach(ring);
  return { exchange, ring };
}

/** The JSON form without the times (which are the clock's). */
function content(record: MarketDataRecord): Record<string, unknown> {
  const { publishTimeNs: _p, sourceTimeNs: _s, ...rest } = recordToJsonObject(record);
  return rest;
}

describe('ExchangeBook market data', () => {
  it('publishes a quote per top-of-book change and a trade per fill (aggressor side, trade id), then the new top', () => {
    const { exchange, ring } = exchangeWithRing(['AAPL', 'MSFT']);
    const [, msft] = exchange.books;
    msft.submit(1, 1, SIDE_SELL, ORDER_TYPE_LIMIT, TIF_DAY, 10_001, 300);
    msft.submit(2, 1, SIDE_BUY, ORDER_TYPE_LIMIT, TIF_DAY, 9_999, 200);
    msft.submit(3, 2, SIDE_BUY, ORDER_TYPE_LIMIT, TIF_DAY, 10_001, 100);
    msft.replace(2, 2, 10_001, 200);
    expect(ring.published.map(content)).toEqual([
      { seq: 0, type: 'quote', instrument: 2, flags: 0, bid: 0, ask: 100.01, bidSize: 0, askSize: 300 },
      { seq: 1, type: 'quote', instrument: 2, flags: 0, bid: 99.99, ask: 100.01, bidSize: 200, askSize: 300 },
      { seq: 2, type: 'trade', instrument: 2, flags: 0, price: 100.01, size: 100, side: 'buy', tradeId: 1 },
      { seq: 3, type: 'quote', instrument: 2, flags: 0, bid: 99.99, ask: 100.01, bidSize: 200, askSize: 200 },
      { seq: 4, type: 'trade', instrument: 2, flags: 0, price: 100.01, size: 200, side: 'buy', tradeId: 2 },
      { seq: 5, type: 'quote', instrument: 2, flags: 0, bid: 0, ask: 0, bidSize: 0, askSize: 0 },
    ]);
  });
});

describe('Exchange capacity', () => {
  // Growing a book past its capacity copies every order row and rehashes every id at once (a
  // pause of ~0.3 s per million orders): a book sized with restingOrders never does below it.
  const restAll = (restingOrders: number | undefined, count: number): { before: number; after: number } => {
    const { exchange } = exchangeWithRing(['AAPL'], restingOrders);
    const [book] = exchange.books;
    const before = book.engine.book.orderCapacity;
    for (let id = 1; id <= count; id++) book.submit(id, 1, id % 2 === 0 ? SIDE_BUY : SIDE_SELL, ORDER_TYPE_LIMIT, TIF_DAY, id % 2 === 0 ? 9_000 - (id % 50) : 11_000 + (id % 50), 1);
    return { before, after: book.engine.book.orderCapacity };
  };

  it('holds restingOrders resting orders per instrument without growing; the default is 65,536', () => {
    expect(restAll(20_000, 20_000)).toEqual({ before: 20_000, after: 20_000 });
    expect(restAll(undefined, 0).before).toBe(65_536);
    expect(restAll(1_000, 1_001).after).toBeGreaterThan(1_000);
  });
});

describe('SyntheticLiquidity', () => {
  function run(seed: number, steps: number): Record<string, unknown>[] {
    const { exchange, ring } = exchangeWithRing(['AAPL', 'MSFT']);
    const flow = new SyntheticLiquidity(exchange, { seed, midTicks: 10_000 });
    for (let i = 0; i < steps; i++) flow.step();
    return ring.published.map(content);
  }

  it('gives the same market for the same seed and another for another seed, with quotes and trades on every instrument', () => {
    const first = run(5, 3000);
    expect(run(5, 3000)).toEqual(first);
    expect(run(6, 3000)).not.toEqual(first);
    for (const instrument of [1, 2]) {
      const mine = first.filter((r) => r.instrument === instrument);
      expect(mine.some((r) => r.type === 'trade')).toBe(true);
      expect(mine.some((r) => r.type === 'quote')).toBe(true);
    }
  });

  it('never publishes a crossed or locked quote', () => {
    for (const record of run(9, 5000)) {
      if (record.type !== 'quote' || record.bidSize === 0 || record.askSize === 0) continue;
      expect(record.bid as number).toBeLessThan(record.ask as number);
    }
  });
});

describe('LobsterLiquidity', () => {
  const file = dataPath('lobster/AAPL_2012-06-21_34200000_57600000_message_10.first998.csv');

  it('replays every message of a LOBSTER file as orders: prices in ticks, executions as trades', () => {
    const { exchange, ring } = exchangeWithRing();
    const source = new LobsterLiquidity(exchange, file);
    let steps = 0;
    while (source.step()) steps++;
    expect(steps).toBe(999);
    expect(source.messages).toBe(999);
    const trades = ring.published.filter((r) => r.type === 2);
    expect(trades.length).toBeGreaterThan(0);
    // AAPL traded near $585 that morning: ticks of 0.01 → fixed point within a few dollars.
    for (const trade of trades) expect(Math.abs(trade.tradePrice / 1e8 - 585)).toBeLessThan(10);
    const quotes = ring.published.filter((r) => r.type === 1 && r.bidSize > 0 && r.askSize > 0);
    for (const quote of quotes) expect(quote.bidPrice).toBeLessThan(quote.askPrice);
  });
});
