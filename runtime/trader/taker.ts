// The built-in taker: every `every`-th quote of an instrument it crosses the spread with an
// IOC order of `quantity` lots at the touch, on the side that brings its position back
// toward flat (alternating when flat), and never past maxPosition.
import { SIDE_BUY, SIDE_SELL, type Strategy, type StrategyContext, TIF_IOC } from './strategy.ts';

export interface TakerOptions {
  /** Lots per order (default 1). */
  quantity?: number;
  /** Quotes between two orders of an instrument (default 50). */
  every?: number;
  /** Largest position either way (default 100 lots). */
  maxPosition?: number;
}

export class Taker implements Strategy {
  readonly name = 'taker';
  private readonly quantity: number;
  private readonly every: number;
  private readonly maxPosition: number;
  private quotes = 0;
  private lastSide = SIDE_SELL;

  constructor(options: TakerOptions = {}) {
    this.quantity = options.quantity ?? 1;
    this.every = options.every ?? 50;
    this.maxPosition = options.maxPosition ?? 100;
    for (const [name, value] of Object.entries({ quantity: this.quantity, every: this.every, maxPosition: this.maxPosition })) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`taker ${name} must be a whole number ≥ 1, got ${value}`);
    }
  }

  onQuote(ctx: StrategyContext, instrument: number, bid: number, bidSize: number, ask: number, askSize: number): void {
    if (++this.quotes % this.every !== 0) return;
    const position = ctx.position(instrument);
    const side = position > 0 ? SIDE_SELL : position < 0 ? SIDE_BUY : this.lastSide === SIDE_BUY ? SIDE_SELL : SIDE_BUY;
    const quantity = Math.min(this.quantity, side === SIDE_BUY ? this.maxPosition - position : this.maxPosition + position);
    if (quantity <= 0) return;
    if (side === SIDE_BUY && askSize > 0) ctx.submit(instrument, side, ask, quantity, TIF_IOC);
    else if (side === SIDE_SELL && bidSize > 0) ctx.submit(instrument, side, bid, quantity, TIF_IOC);
    else return;
    this.lastSide = side;
  }

  onTrade(): void {}

  onFill(): void {}
}
