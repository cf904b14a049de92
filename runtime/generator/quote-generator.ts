// Synthetic top-of-book quotes for N instruments: each bid follows a random walk in ticks,
// spreads are mostly one tick (sometimes two or three), sizes are round lots of 100
// weighted towards small. The stream is a pure function of (seed, instruments): a
// consumer holding the same pair can regenerate every record and check it field by field.
import type { MarketDataRecord } from '../record/market-data-record.ts';
import { PRICE_SCALE, RecordType } from '../record/record-layout.ts';
import { Xoshiro128 } from './xoshiro128.ts';

export interface QuoteGeneratorOptions {
  instruments: number;
  seed: number;
}

const CENT = PRICE_SCALE / 100;
const LOT = 100;

export class QuoteGenerator {
  readonly instruments: number;
  private readonly random: Xoshiro128;
  private readonly bidTicks: Float64Array;
  private readonly tickSize: Float64Array;

  constructor(options: QuoteGeneratorOptions) {
    if (!Number.isInteger(options.instruments) || options.instruments < 1) {
      throw new RangeError(`instruments must be a positive integer, got ${options.instruments}`);
    }
    this.instruments = options.instruments;
    this.random = new Xoshiro128(options.seed);
    this.bidTicks = new Float64Array(options.instruments);
    this.tickSize = new Float64Array(options.instruments);
    for (let i = 0; i < options.instruments; i++) {
      // Start prices from $5 to $500; a cent tick, as on US equities above $1.
      this.tickSize[i] = CENT;
      this.bidTicks[i] = 500 + this.random.nextInt(49_500);
    }
  }

  /** Fills everything but the sequence; timestamps are the caller's. */
  next(record: MarketDataRecord, publishTimeNs: number, sourceTimeNs: number): void {
    const random = this.random;
    const instrument = this.instruments === 1 ? 0 : random.nextInt(this.instruments);
    const draw = random.nextUint32();
    // Low bits: the walk (-1, 0, +1 tick); next bits: spread; the rest: sizes.
    const step = (draw & 3) === 0 ? -1 : (draw & 3) === 1 ? 1 : 0;
    const spreadDraw = (draw >>> 2) & 15;
    const spreadTicks = spreadDraw < 11 ? 1 : spreadDraw < 14 ? 2 : 3;
    let bid = this.bidTicks[instrument] + step;
    if (bid < 1) bid = 1;
    this.bidTicks[instrument] = bid;
    const tick = this.tickSize[instrument];
    record.setQuote(
      publishTimeNs,
      sourceTimeNs,
      instrument,
      RecordType.quote,
      0,
      bid * tick,
      (bid + spreadTicks) * tick,
      lotSize((draw >>> 6) & 1023),
      lotSize((draw >>> 16) & 1023),
    );
  }
}

/** 100 to 5,000 shares, small sizes more likely: floor(50 · u²) + 1 lots for u uniform in [0, 1). */
function lotSize(draw10: number): number {
  const u = draw10 / 1024;
  return (Math.floor(50 * u * u) + 1) * LOT;
}
