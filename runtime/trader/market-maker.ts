// The built-in market maker: one bid and one ask per instrument around the mid, shifted
// against its inventory (long → both quotes lower, so it sells more readily than it buys),
// never through the other side of the market, and no quote on a side that would take the
// position past maxPosition. A quote moves (cancel/replace) only when its price is off by
// requoteTicks or more, and never while a change of it is still unanswered.
import { SIDE_BUY, SIDE_SELL, type Strategy, type StrategyContext, type StrategySide, NO_ORDER, TIF_DAY } from './strategy.ts';

export interface MarketMakerOptions {
  /** Lots per quote (default 10). */
  quantity?: number;
  /** Ticks from the (skewed) mid to each quote (default 1). */
  halfSpread?: number;
  /** Ticks both quotes move per lot of position (default 0.1: one tick per 10 lots). */
  skewPerLot?: number;
  /** Largest position either way that a fill of a quote may leave (default 100 lots). */
  maxPosition?: number;
  /** A quote is moved only when its price is off by this many ticks or more (default 1). */
  requoteTicks?: number;
}

export class MarketMaker implements Strategy {
  readonly name = 'market-maker';
  private readonly quantity: number;
  private readonly halfSpread: number;
  private readonly skewPerLot: number;
  private readonly maxPosition: number;
  private readonly requoteTicks: number;
  /** Per instrument id and side (index instrument * 2 + side - 1): the quote's order handle and price. */
  private orders = new Float64Array(0);
  private prices = new Float64Array(0);

  constructor(options: MarketMakerOptions = {}) {
    this.quantity = options.quantity ?? 10;
    this.halfSpread = options.halfSpread ?? 1;
    this.skewPerLot = options.skewPerLot ?? 0.1;
    this.maxPosition = options.maxPosition ?? 100;
    this.requoteTicks = options.requoteTicks ?? 1;
    for (const [name, value] of Object.entries({ quantity: this.quantity, halfSpread: this.halfSpread, maxPosition: this.maxPosition, requoteTicks: this.requoteTicks })) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`market maker ${name} must be a whole number ≥ 1, got ${value}`);
    }
    if (!(this.skewPerLot >= 0 && Number.isFinite(this.skewPerLot))) throw new RangeError(`market maker skewPerLot must be ≥ 0, got ${this.skewPerLot}`);
  }

  onQuote(ctx: StrategyContext, instrument: number, bid: number, bidSize: number, ask: number, askSize: number): void {
    if (bidSize === 0 || askSize === 0) return;
    this.ensure(instrument);
    const position = ctx.position(instrument);
    const fair = (bid + ask) / 2 - position * this.skewPerLot;
    // Never at or through the other side: a quote that would trade at once is not a quote.
    const bidPrice = Math.min(Math.floor(fair - this.halfSpread), ask - 1);
    const askPrice = Math.max(Math.ceil(fair + this.halfSpread), bid + 1);
    this.quote(ctx, instrument, SIDE_BUY, bidPrice, position + this.quantity <= this.maxPosition ? this.quantity : 0);
    this.quote(ctx, instrument, SIDE_SELL, askPrice, position - this.quantity >= -this.maxPosition ? this.quantity : 0);
  }

  onTrade(): void {}

  onFill(): void {}

  /** The live quote of a side, or NO_ORDER. */
  quoteOf(ctx: StrategyContext, instrument: number, side: StrategySide): number {
    const slot = instrument * 2 + side - 1;
    if (slot >= this.orders.length) return NO_ORDER;
    const order = this.orders[slot];
    return order >= 0 && ctx.isLive(order) ? order : NO_ORDER;
  }

  private quote(ctx: StrategyContext, instrument: number, side: StrategySide, price: number, quantity: number): void {
    const slot = instrument * 2 + side - 1;
    const order = this.quoteOf(ctx, instrument, side);
    if (order !== NO_ORDER) {
      if (ctx.isPending(order)) return;
      if (quantity === 0) ctx.cancel(order);
      else if (Math.abs(price - this.prices[slot]) >= this.requoteTicks && ctx.replace(order, price, quantity)) this.prices[slot] = price;
      return;
    }
    if (quantity === 0 || price <= 0) return;
    this.orders[slot] = ctx.submit(instrument, side, price, quantity, TIF_DAY);
    this.prices[slot] = price;
  }

  /** Room for `instrument`'s slots (grows rarely: instrument ids are small). */
  private ensure(instrument: number): void {
    const needed = instrument * 2 + 2;
    if (needed <= this.orders.length) return;
    const size = Math.max(needed, this.orders.length * 2, 16);
    const orders = new Float64Array(size).fill(NO_ORDER);
    orders.set(this.orders);
    const prices = new Float64Array(size);
    prices.set(this.prices);
    this.orders = orders;
    this.prices = prices;
  }
}
