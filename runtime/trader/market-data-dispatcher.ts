// Turns the exchange's market-data records (fixed-point prices) into a strategy's calls
// (prices in ticks), and keeps what the rest of the trader needs from the feed: the
// reference price per instrument for pre-trade risk, and the publish time of the record
// being handled, from which tick-to-order latency is measured. A record of an instrument the
// trader does not trade, or with a price that is not a whole number of ticks, is counted and
// skipped (another venue's feed, a wrong --tick-size), never guessed at.
import type { MarketDataRecord } from '../record/market-data-record.ts';
import { RecordType } from '../record/record-layout.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

/** Where each instrument's latest quote goes (pre-trade risk's reference prices). */
export interface ReferencePriceSink {
  setReference(instrument: number, bid: number, ask: number, atNs: number): void;
}

export class MarketDataDispatcher {
  quotes = 0;
  trades = 0;
  /** Records skipped: an instrument not traded here, or a price off the tick grid. */
  skipped = 0;
  /** CLOCK_MONOTONIC publish time of the record being handled (0 outside a record). */
  triggerNs = 0;
  private readonly strategy: Strategy;
  private readonly context: StrategyContext;
  private readonly tickUnits: number;
  private readonly instruments: Uint8Array;
  private readonly references: ReferencePriceSink | undefined;

  /** `instruments`: the ids traded (ids are small: the exchange numbers them from 1). */
  constructor(strategy: Strategy, context: StrategyContext, tickUnits: number, instruments: readonly number[], references?: ReferencePriceSink) {
    if (!Number.isSafeInteger(tickUnits) || tickUnits <= 0) throw new RangeError(`tickUnits must be a positive whole number, got ${tickUnits}`);
    this.strategy = strategy;
    this.context = context;
    this.tickUnits = tickUnits;
    this.instruments = new Uint8Array(Math.max(0, ...instruments) + 1);
    for (const id of instruments) this.instruments[id] = 1;
    this.references = references;
  }

  /** A RecordHandler: pass it to a receiver's poll. */
  readonly handle = (record: MarketDataRecord): void => {
    const instrument = record.instrumentId;
    if (instrument >= this.instruments.length || this.instruments[instrument] === 0) {
      this.skipped++;
      return;
    }
    const nowNs = record.publishTimeNs;
    this.triggerNs = nowNs;
    if (record.type === RecordType.trade) {
      const price = record.tradePrice / this.tickUnits;
      if (!Number.isInteger(price)) this.skipped++;
      else {
        this.trades++;
        this.strategy.onTrade(this.context, instrument, price, record.tradeSize, record.aggressorSide, nowNs);
      }
    } else {
      const bid = record.bidPrice / this.tickUnits;
      const ask = record.askPrice / this.tickUnits;
      if (!Number.isInteger(bid) || !Number.isInteger(ask)) this.skipped++;
      else {
        this.quotes++;
        this.references?.setReference(instrument, record.bidSize === 0 ? 0 : bid, record.askSize === 0 ? 0 : ask, nowNs);
        this.strategy.onQuote(this.context, instrument, bid, record.bidSize, ask, record.askSize, nowNs);
      }
    }
    this.triggerNs = 0;
  };
}
