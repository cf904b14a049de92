// What a trading strategy sees and does. The trader calls a strategy on every market-data
// record of its instruments and on every fill of its own orders; the strategy answers through
// the context, whose every order goes through pre-trade risk and the order manager before it
// reaches the exchange. Numbers only (instrument ids, prices in ticks, quantities in lots,
// order handles): a strategy that keeps to them allocates nothing per tick.

/** Time in force of a strategy's order (FIX TimeInForce codes). */
export const TIF_DAY = 0;
export const TIF_IOC = 3;
export type StrategyTimeInForce = typeof TIF_DAY | typeof TIF_IOC;

export const SIDE_BUY = 1;
export const SIDE_SELL = 2;
export type StrategySide = typeof SIDE_BUY | typeof SIDE_SELL;

/** An order handle is ≥ 0; a refused order is a negative code (a risk reason, or the trader halted). */
export const NO_ORDER = -1;

export interface StrategyContext {
  /** Sends a limit order; returns its handle, or a negative code when it was refused (nothing was sent). */
  submit(instrument: number, side: StrategySide, price: number, quantity: number, timeInForce: StrategyTimeInForce): number;
  /** Asks to cancel a live order; false when the order is not live (done, or a cancel already pending). */
  cancel(order: number): boolean;
  /** Asks to change a live order's price and quantity; false when it is not live or a change is already pending. */
  replace(order: number, price: number, quantity: number): boolean;
  /** Whether the order can still trade (sent, not done): it may be pending at the exchange. */
  isLive(order: number): boolean;
  /** Whether a cancel or replace of the order is on its way (no new request until it is answered). */
  isPending(order: number): boolean;
  /** Net position in lots (long > 0), filled orders only. */
  position(instrument: number): number;
}

export interface Strategy {
  /** The name `--strategy` takes. */
  readonly name: string;
  /** A quote of `instrument`: best bid and ask in ticks (0 size: that side is empty). */
  onQuote(ctx: StrategyContext, instrument: number, bid: number, bidSize: number, ask: number, askSize: number, nowNs: number): void;
  /** A trade on the exchange (anyone's): price in ticks, aggressor side 1 buy, 2 sell, 0 unknown. */
  onTrade(ctx: StrategyContext, instrument: number, price: number, size: number, aggressorSide: number, nowNs: number): void;
  /** A fill of one of this strategy's orders. */
  onFill(ctx: StrategyContext, order: number, instrument: number, side: StrategySide, price: number, quantity: number, nowNs: number): void;
  /** One of this strategy's orders is done (filled, canceled, expired or rejected). */
  onOrderDone?(ctx: StrategyContext, order: number, nowNs: number): void;
}
