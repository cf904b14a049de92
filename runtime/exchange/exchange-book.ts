// One instrument of the exchange: its MatchingEngine, whose events go to the market data
// (quotes on top-of-book changes, a trade record per fill, numbered from 1) and to every
// listener (the FIX order entry, the liquidity), in the engine's order. Commands go through
// here so that the aggressor's side is known when its fills arrive (the engine's onTrade
// does not carry it).
import { MatchingEngine, type MatchingEngineOptions } from '../matching/matching-engine.ts';
import { SIDE_BUY, SIDE_SELL, type MatchingEventSink, type RejectReason } from '../matching/matching-events.ts';
import type { ExchangeMarketData } from './exchange-market-data.ts';

export interface InstrumentSpec {
  /** Symbol (FIX 55). */
  symbol: string;
  /** Instrument id in market-data records. */
  instrumentId: number;
  /** Fixed-point units (PRICE_SCALE per currency unit) of one tick. */
  tickUnits: number;
  /** Decimal places of the tick size (prices in FIX have at most these). */
  tickDecimals: number;
}

/** What a participant hears of the orders (a trade arrives as its two fills, aggressor first). */
export interface OrderEventListener {
  onAccepted(orderId: number, quantity: number): void;
  onFill(orderId: number, price: number, quantity: number, leaves: number, cum: number, notional: number): void;
  onCanceled(orderId: number, cum: number, notional: number, reason: number): void;
  onReplaced(orderId: number, price: number, leaves: number, cum: number, notional: number): void;
  onExpired(orderId: number, cum: number, notional: number): void;
}

export class ExchangeBook implements MatchingEventSink {
  readonly instrument: InstrumentSpec;
  readonly engine: MatchingEngine;
  /** Fills so far (= the last trade id). */
  trades = 0;
  private readonly marketData: ExchangeMarketData;
  private readonly listeners: OrderEventListener[] = [];
  private aggressorSide = 0;

  constructor(instrument: InstrumentSpec, marketData: ExchangeMarketData, options: MatchingEngineOptions = {}) {
    this.instrument = instrument;
    this.marketData = marketData;
    this.engine = new MatchingEngine(this, options);
  }

  listen(listener: OrderEventListener): void {
    this.listeners.push(listener);
  }

  submit(orderId: number, ownerId: number, side: number, orderType: number, timeInForce: number, price: number, quantity: number): RejectReason {
    this.aggressorSide = side;
    const reason = this.engine.submit(orderId, ownerId, side, orderType, timeInForce, price, quantity);
    this.marketData.flush();
    return reason;
  }

  cancel(orderId: number): RejectReason {
    const reason = this.engine.cancel(orderId);
    this.marketData.flush();
    return reason;
  }

  replace(orderId: number, newOrderId: number, price: number, quantity: number): RejectReason {
    const side = this.engine.book.orderSide(orderId);
    this.aggressorSide = side === 'buy' ? SIDE_BUY : side === 'sell' ? SIDE_SELL : 0;
    const reason = this.engine.replace(orderId, newOrderId, price, quantity);
    this.marketData.flush();
    return reason;
  }

  massCancel(ownerId: number): number {
    const count = this.engine.massCancel(ownerId);
    this.marketData.flush();
    return count;
  }

  onAccepted(orderId: number, _ownerId: number, _side: number, _orderType: number, _timeInForce: number, _price: number, quantity: number): void {
    for (const listener of this.listeners) listener.onAccepted(orderId, quantity);
  }

  /** A refused command is answered by whoever issued it (the return value). */
  onRejected(): void {}

  onTrade(
    aggressorId: number,
    restingId: number,
    price: number,
    quantity: number,
    aggressorLeaves: number,
    aggressorCum: number,
    aggressorNotional: number,
    restingLeaves: number,
    restingCum: number,
    restingNotional: number,
  ): void {
    this.trades++;
    this.marketData.trade(this.instrument.instrumentId, this.instrument.tickUnits, price, quantity, this.aggressorSide, this.trades);
    for (const listener of this.listeners) {
      listener.onFill(aggressorId, price, quantity, aggressorLeaves, aggressorCum, aggressorNotional);
      listener.onFill(restingId, price, quantity, restingLeaves, restingCum, restingNotional);
    }
  }

  onCanceled(orderId: number, _canceledQuantity: number, cum: number, notional: number, reason: number): void {
    for (const listener of this.listeners) listener.onCanceled(orderId, cum, notional, reason);
  }

  /** The exchange keeps the engine order id across a replace (newOrderId = orderId). */
  onReplaced(orderId: number, _newOrderId: number, price: number, leaves: number, cum: number, notional: number): void {
    for (const listener of this.listeners) listener.onReplaced(orderId, price, leaves, cum, notional);
  }

  onExpired(orderId: number, _expiredQuantity: number, cum: number, notional: number): void {
    for (const listener of this.listeners) listener.onExpired(orderId, cum, notional);
  }

  onBookChanged(bidPrice: number, bidQuantity: number, askPrice: number, askQuantity: number): void {
    this.marketData.quote(this.instrument.instrumentId, this.instrument.tickUnits, bidPrice, bidQuantity, askPrice, askQuantity);
  }
}
