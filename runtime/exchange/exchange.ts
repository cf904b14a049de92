// The exchange: one ExchangeBook per configured instrument, one market-data writer for all
// of them, and the numbering every participant shares: engine order ids (unique across
// instruments, so one id names one order anywhere) and owner ids (one per FIX session or
// liquidity source; self-trade prevention and mass cancel work by owner).
import { PRICE_SCALE } from '../record/record-layout.ts';
import type { MatchingEngineOptions } from '../matching/matching-engine.ts';
import { ExchangeBook, type InstrumentSpec } from './exchange-book.ts';
import { ExchangeMarketData } from './exchange-market-data.ts';

/** Resting orders each instrument's book holds before it grows (growing copies every row: ~0.3 s a million). */
export const DEFAULT_RESTING_ORDERS = 65_536;

export interface ExchangeOptions extends MatchingEngineOptions {
  /** Resting orders per instrument allocated up front (default DEFAULT_RESTING_ORDERS); initialOrders when both are given. */
  restingOrders?: number;
  /** Symbols, in instrument-id order from 1. */
  symbols: readonly string[];
  /** Tick size as a decimal string (e.g. "0.01"); every instrument shares it. */
  tickSize: string;
}

export class Exchange {
  readonly marketData = new ExchangeMarketData();
  readonly books: ExchangeBook[];
  private readonly bySymbol = new Map<string, ExchangeBook>();
  private lastOrderId = 0;
  private lastOwnerId = 0;

  constructor(options: ExchangeOptions) {
    const { units, decimals } = parseTickSize(options.tickSize);
    this.books = options.symbols.map((symbol, index) => {
      const spec: InstrumentSpec = { symbol, instrumentId: index + 1, tickUnits: units, tickDecimals: decimals };
      return new ExchangeBook(spec, this.marketData, { ...options, initialOrders: options.initialOrders ?? options.restingOrders ?? DEFAULT_RESTING_ORDERS });
    });
    for (const book of this.books) {
      if (this.bySymbol.has(book.instrument.symbol)) throw new Error(`instrument ${book.instrument.symbol} is configured twice`);
      this.bySymbol.set(book.instrument.symbol, book);
    }
  }

  book(symbol: string): ExchangeBook | undefined {
    return this.bySymbol.get(symbol);
  }

  nextOrderId(): number {
    return ++this.lastOrderId;
  }

  nextOwnerId(): number {
    return ++this.lastOwnerId;
  }
}

/** "0.01" → one tick is 1,000,000 fixed-point units, 2 decimals. Throws on anything else than a positive decimal with at most 8 places. */
export function parseTickSize(text: string): { units: number; decimals: number } {
  const match = /^(\d+)(?:\.(\d{1,8}))?$/.exec(text);
  if (match === null) throw new Error(`tick size must be a positive decimal with at most 8 decimal places, got "${text}"`);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const units = Number(match[1]) * PRICE_SCALE + (fraction === '' ? 0 : Number(fraction.padEnd(8, '0')));
  if (units <= 0 || !Number.isSafeInteger(units)) throw new Error(`tick size must be a positive decimal with at most 8 decimal places, got "${text}"`);
  return { units, decimals: fraction.length };
}
