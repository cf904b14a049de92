// The built-in strategies against a recording context: what each sends for given quotes
// and positions, and properties over random markets (never through the market, one quote a
// side, nothing asked of an order whose change is unanswered).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketMaker } from '../../runtime/trader/market-maker.ts';
import { SIDE_BUY, SIDE_SELL, type StrategyContext, type StrategySide, type StrategyTimeInForce } from '../../runtime/trader/strategy.ts';
import { Taker } from '../../runtime/trader/taker.ts';

interface FakeOrder {
  instrument: number;
  side: StrategySide;
  price: number;
  quantity: number;
  timeInForce: StrategyTimeInForce;
  live: boolean;
  pending: boolean;
}

/** Orders are accepted at once; changes stay pending until answer() (as a real exchange round trip). */
class RecordingContext implements StrategyContext {
  readonly orders: FakeOrder[] = [];
  readonly requests: string[] = [];
  readonly positions = new Map<number, number>();
  violations: string[] = [];
  submit(instrument: number, side: StrategySide, price: number, quantity: number, timeInForce: StrategyTimeInForce): number {
    this.orders.push({ instrument, side, price, quantity, timeInForce, live: timeInForce !== 3, pending: false });
    this.requests.push(`${side === SIDE_BUY ? 'buy' : 'sell'} ${quantity}@${price}${timeInForce === 3 ? ' ioc' : ''}`);
    return this.orders.length - 1;
  }
  cancel(order: number): boolean {
    const o = this.orders[order];
    if (!o.live || o.pending) return false;
    o.pending = true;
    o.quantity = 0;
    this.requests.push(`cancel #${order}`);
    return true;
  }
  replace(order: number, price: number, quantity: number): boolean {
    const o = this.orders[order];
    if (!o.live || o.pending) return false;
    Object.assign(o, { price, quantity, pending: true });
    this.requests.push(`replace #${order} ${quantity}@${price}`);
    return true;
  }
  isLive(order: number): boolean {
    return this.orders[order].live;
  }
  isPending(order: number): boolean {
    return this.orders[order].pending;
  }
  position(instrument: number): number {
    return this.positions.get(instrument) ?? 0;
  }
  /** Every pending change answered: canceled orders are gone. */
  answer(): void {
    for (const o of this.orders) if (o.pending) Object.assign(o, { pending: false, live: o.quantity > 0 });
  }
  take(): string[] {
    return this.requests.splice(0);
  }
}

describe('MarketMaker', () => {
  it('quotes one bid and one ask halfSpread around the mid, and moves them only by requoteTicks or more, one change at a time', () => {
    const ctx = new RecordingContext();
    const maker = new MarketMaker({ quantity: 10, halfSpread: 1 });
    maker.onQuote(ctx, 1, 100, 5, 104, 5);
    expect(ctx.take()).toEqual(['buy 10@101', 'sell 10@103']);
    maker.onQuote(ctx, 1, 100, 5, 104, 7);
    expect(ctx.take()).toEqual([]);
    maker.onQuote(ctx, 1, 102, 5, 106, 5);
    expect(ctx.take()).toEqual(['replace #0 10@103', 'replace #1 10@105']);
    // Unanswered changes: nothing more is asked of those orders.
    maker.onQuote(ctx, 1, 110, 5, 114, 5);
    expect(ctx.take()).toEqual([]);
    ctx.answer();
    maker.onQuote(ctx, 1, 110, 5, 114, 5);
    expect(ctx.take()).toEqual(['replace #0 10@111', 'replace #1 10@113']);
  });

  it('leans against its inventory, never quotes through the market, and stops quoting the side that would pass maxPosition', () => {
    const ctx = new RecordingContext();
    const maker = new MarketMaker({ quantity: 10, halfSpread: 1, skewPerLot: 0.1, maxPosition: 100 });
    ctx.positions.set(1, 20);
    maker.onQuote(ctx, 1, 100, 5, 104, 5);
    expect(ctx.take()).toEqual(['buy 10@99', 'sell 10@101']);
    const long = new RecordingContext();
    long.positions.set(2, 95);
    maker.onQuote(long, 2, 100, 5, 101, 5);
    // fair = 100.5 − 9.5 = 91: the ask would be 92, below the bid: it sits at bid + 1 instead; no bid (95 + 10 > 100).
    expect(long.take()).toEqual(['sell 10@101']);
  });

  it('cancels a live quote whose side may no longer be quoted, and quotes nothing on a one-sided market', () => {
    const ctx = new RecordingContext();
    const maker = new MarketMaker({ quantity: 10, maxPosition: 15 });
    maker.onQuote(ctx, 1, 0, 0, 104, 5);
    expect(ctx.take()).toEqual([]);
    maker.onQuote(ctx, 1, 100, 5, 104, 5);
    ctx.take();
    ctx.positions.set(1, 10);
    maker.onQuote(ctx, 1, 100, 5, 104, 5);
    // Long 10: no bid (10 + 10 > 15), and the ask leans one tick lower (fair 102 − 1).
    expect(ctx.take()).toEqual(['cancel #0', 'replace #1 10@102']);
  });

  it('over random markets and positions: at most one live quote a side, none at or through the market, nothing asked of a pending order', () => {
    const market = fc.record({ bid: fc.integer({ min: 1, max: 200 }), spread: fc.integer({ min: 1, max: 5 }), position: fc.integer({ min: -150, max: 150 }), answer: fc.boolean() });
    fc.assert(
      fc.property(fc.array(market, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (steps, quantity) => {
        const ctx = new RecordingContext();
        const maker = new MarketMaker({ quantity, halfSpread: 1, skewPerLot: 0.05, maxPosition: 100 });
        for (const { bid, spread, position, answer } of steps) {
          ctx.positions.set(1, position);
          const pendingBefore = ctx.orders.map((o) => o.pending);
          const count = ctx.orders.length;
          maker.onQuote(ctx, 1, bid, 1, bid + spread, 1);
          for (const request of ctx.take()) {
            const match = /^(?:cancel|replace) #(\d+)/.exec(request);
            if (match !== null) expect(pendingBefore[Number(match[1])]).toBe(false);
          }
          for (const o of ctx.orders.slice(count)) {
            if (o.side === SIDE_BUY) expect(o.price).toBeLessThan(bid + spread);
            else expect(o.price).toBeGreaterThan(bid);
          }
          for (const side of [SIDE_BUY, SIDE_SELL]) expect(ctx.orders.filter((o) => o.live && o.side === side && o.quantity > 0).length).toBeLessThanOrEqual(1);
          if (answer) ctx.answer();
        }
      }),
    );
  });

  it('refuses options that are not whole numbers ≥ 1', () => {
    expect(() => new MarketMaker({ quantity: 0 })).toThrow(/quantity must be a whole number ≥ 1, got 0/);
    expect(() => new MarketMaker({ skewPerLot: -1 })).toThrow(/skewPerLot must be ≥ 0/);
  });
});

describe('Taker', () => {
  it('every `every`-th quote takes the touch with an IOC order, toward flat, alternating when flat, within maxPosition', () => {
    const ctx = new RecordingContext();
    const taker = new Taker({ quantity: 5, every: 2, maxPosition: 7 });
    for (let i = 0; i < 4; i++) taker.onQuote(ctx, 1, 100, 5, 101, 5);
    expect(ctx.take()).toEqual(['buy 5@101 ioc', 'sell 5@100 ioc']);
    ctx.positions.set(1, -4);
    taker.onQuote(ctx, 1, 100, 5, 101, 5);
    taker.onQuote(ctx, 1, 100, 5, 101, 5);
    expect(ctx.take()).toEqual(['buy 5@101 ioc']);
    ctx.positions.set(1, 5);
    taker.onQuote(ctx, 1, 100, 0, 101, 5);
    taker.onQuote(ctx, 1, 100, 0, 101, 5);
    // It would sell toward flat, but the bid side is empty: nothing.
    expect(ctx.take()).toEqual([]);
  });
});
