// The exchange's market data: every top-of-book change becomes a quote record and every
// fill a trade record (record-layout.ts), written into the publisher's ring, so that the
// SHM feed, the TCP feed and every consumer see the exchange's market. Prices leave the
// engine in integer ticks and enter the record as fixed point: ticks × tickUnits.
import { monotonicNs, wallClockNs } from '../clock/clock.ts';
import { RecordType } from '../record/record-layout.ts';
import type { RecordTransmitter } from '../ring/record-transmitter.ts';

export class ExchangeMarketData {
  /** Records written, and records lost because a backpressure ring was full. */
  quotes = 0;
  trades = 0;
  lost = 0;
  private transmitter: RecordTransmitter | undefined;

  /** Starts writing into the ring (the publisher hands it over when it starts). */
  attach(transmitter: RecordTransmitter): void {
    this.transmitter = transmitter;
  }

  get sent(): number {
    return this.quotes + this.trades;
  }

  /** An empty side (price NaN) is price 0, size 0. */
  quote(instrumentId: number, tickUnits: number, bidTicks: number, bidQuantity: number, askTicks: number, askQuantity: number): void {
    const record = this.transmitter?.tryClaim() ?? null;
    if (record === null) {
      this.lost++;
      return;
    }
    const bid = Number.isNaN(bidTicks) ? 0 : bidTicks * tickUnits;
    const ask = Number.isNaN(askTicks) ? 0 : askTicks * tickUnits;
    record.setQuote(monotonicNs(), wallClockNs(), instrumentId, RecordType.quote, 0, bid, ask, bidQuantity, askQuantity);
    this.transmitter!.commit();
    this.quotes++;
  }

  trade(instrumentId: number, tickUnits: number, priceTicks: number, quantity: number, aggressorSide: number, tradeId: number): void {
    const record = this.transmitter?.tryClaim() ?? null;
    if (record === null) {
      this.lost++;
      return;
    }
    record.setTrade(monotonicNs(), wallClockNs(), instrumentId, 0, priceTicks * tickUnits, quantity, aggressorSide, tradeId);
    this.transmitter!.commit();
    this.trades++;
  }

  /** Makes what was written visible to readers (end of a command or a burst). */
  flush(): void {
    this.transmitter?.flush();
  }
}
