// Feed handler: normalized order events (OrderEvent, from the LOBSTER reader now, other
// venues later) applied to one book per instrument, and a best bid/offer quote record
// written whenever the top of a book changes (best bid or ask price or size). Events that
// leave the top as it was (deeper levels, hidden executions, cross trades, halts) write
// nothing. Each book is a LobsterReplay over a LimitOrderBook, so LOBSTER's conventions for
// pre-existing orders, hidden orders and halts hold (runtime/book/lobster.ts).
//
// The quote: sourceTimeNs = the instrument's local midnight in UTC + the event's time of
// day, written into the record's two words exactly (epoch ns exceed 2^53, where a Number
// would round them to 256 ns); prices in ticks × priceScale (PRICE_SCALE units); an empty
// side is price 0 size 0; flags `replayed` (plus `snapshot` for the quote of a seeded book).
// Before its first quote an instrument's top counts as empty on both sides.
//
// The per-event path allocates nothing: the event is copied into one scratch message, and
// the book, its lookup and the record write are typed arrays and numbers.
import { LimitOrderBook } from '../book/limit-order-book.ts';
import { LobsterReplay, emptyMessage, type LobsterBookRow, type LobsterOutcome, type TradingState } from '../book/lobster.ts';
import { type MarketDataRecord, writeU64 } from '../record/market-data-record.ts';
import { RecordFlag, RecordType, TWO_POW_32, Word } from '../record/record-layout.ts';
import type { OrderEvent } from './order-event.ts';

export interface InstrumentOptions {
  /** UTC epoch ms of the trading date's local midnight (see exchange-time.ts). */
  midnightUtcMs: number;
  /** Record price units (PRICE_SCALE per currency unit) per tick of the venue. */
  priceScale: number;
}

/** One instrument's book and the top of book it last quoted. */
class InstrumentBook {
  readonly replay = new LobsterReplay(new LimitOrderBook());
  readonly priceScale: number;
  /** The midnight split into the record's two 32-bit words. */
  readonly midnightHi: number;
  readonly midnightLo: number;
  bidPrice = 0;
  bidSize = 0;
  askPrice = 0;
  askSize = 0;

  constructor(options: InstrumentOptions) {
    if (!Number.isSafeInteger(options.midnightUtcMs) || options.midnightUtcMs < 0) {
      throw new RangeError(`midnightUtcMs ${options.midnightUtcMs} is not a non-negative safe integer`);
    }
    this.priceScale = options.priceScale;
    // Once per instrument, so BigInt is fine here: ms × 1e6 is exact only in 64 bits.
    const midnightNs = BigInt(options.midnightUtcMs) * 1_000_000n;
    this.midnightHi = Number(midnightNs >> 32n);
    this.midnightLo = Number(midnightNs & 0xffff_ffffn);
  }
}

export class LobsterFeedHandler {
  /**
   * Events applied, quotes written, events rejected (by the book, or as no LOBSTER event:
   * see LobsterOutcome), and changes to orders the book does not hold (skipped: placed before
   * the file starts, and not seeded, or at a level the seed did not show).
   */
  messages = 0;
  quotes = 0;
  rejected = 0;
  unseen = 0;
  private readonly flags: number;
  private readonly instruments = new Map<number, InstrumentBook>();
  private readonly message = emptyMessage();
  private lastId = -1;
  private last: InstrumentBook | undefined;

  constructor(options: { flags?: number } = {}) {
    this.flags = options.flags ?? RecordFlag.replayed;
  }

  addInstrument(instrumentId: number, options: InstrumentOptions): void {
    if (this.instruments.has(instrumentId)) throw new Error(`instrument ${instrumentId} is already handled`);
    this.instruments.set(instrumentId, new InstrumentBook(options));
  }

  /** The instrument's book and replay state (trading state, learning counters). */
  replayOf(instrumentId: number): LobsterReplay {
    return this.instrument(instrumentId).replay;
  }

  tradingState(instrumentId: number): TradingState {
    return this.instrument(instrumentId).replay.tradingState;
  }

  /** Replaces the instrument's book with the levels of an orderbook row (one order per level). */
  seed(instrumentId: number, row: LobsterBookRow): void {
    this.instrument(instrumentId).replay.seed(row);
  }

  /**
   * Seeds the event's instrument from the orderbook row that shows the book after this
   * event (LOBSTER's row k is the book after message k): the event counts as a message
   * but is not applied again.
   */
  seedFrom(event: OrderEvent, row: LobsterBookRow): void {
    this.seed(event.instrumentId, row);
    this.messages++;
  }

  /** Learns out-of-view changes from the last level of the row after the last applied event. */
  learnDeepestLevel(instrumentId: number, row: LobsterBookRow): void {
    this.instrument(instrumentId).replay.learnDeepestLevel(row);
  }

  /** Applies an event and writes a quote into `out` if the top changed; true if it did. */
  onEvent(event: OrderEvent, out: MarketDataRecord): boolean {
    this.apply(event);
    return this.quoteIfTopChanged(event, out);
  }

  /** Applies an event to its instrument's book, counting what the book made of it. */
  apply(event: OrderEvent): LobsterOutcome {
    const message = this.message;
    message.type = event.type;
    message.orderId = event.orderId;
    message.size = event.size;
    message.price = event.price;
    message.direction = event.direction;
    const outcome = this.instrument(event.instrumentId).replay.apply(message);
    this.messages++;
    if (outcome === 'unseen') this.unseen++;
    else if (outcome !== 'order' && outcome !== 'level' && outcome !== 'unchanged') this.rejected++;
    return outcome;
  }

  /**
   * Writes the top of book of the event's instrument, at the event's time, into `out` and
   * returns true if it differs from the last one written (empty before the first);
   * otherwise leaves `out` alone. Takes the event rather than its time: a time of day in ns
   * is no small integer, and passing it as an argument would box it on the heap.
   */
  quoteIfTopChanged(event: OrderEvent, out: MarketDataRecord, extraFlags = 0): boolean {
    const instrumentId = event.instrumentId;
    const instrument = this.instrument(instrumentId);
    const book = instrument.replay.book;
    const bidPrice = book.bestBidPrice() ?? 0;
    const askPrice = book.bestAskPrice() ?? 0;
    const bidSize = book.bestBidQuantity();
    const askSize = book.bestAskQuantity();
    if (bidPrice === instrument.bidPrice && bidSize === instrument.bidSize && askPrice === instrument.askPrice && askSize === instrument.askSize) {
      return false;
    }
    instrument.bidPrice = bidPrice;
    instrument.bidSize = bidSize;
    instrument.askPrice = askPrice;
    instrument.askSize = askSize;
    const scale = instrument.priceScale;
    // Scaled prices are doubles, passed as arguments they would be boxed: written apart.
    out.setQuote(0, 0, instrumentId, RecordType.quote, this.flags | extraFlags, 0, 0, bidSize, askSize);
    writeScaledPrice(out, Word.bidPriceLo, bidPrice, scale);
    writeScaledPrice(out, Word.askPriceLo, askPrice, scale);
    writeSourceTime(out, instrument, event);
    this.quotes++;
    return true;
  }

  private instrument(instrumentId: number): InstrumentBook {
    if (instrumentId === this.lastId && this.last !== undefined) return this.last;
    const instrument = this.instruments.get(instrumentId);
    if (instrument === undefined) throw new Error(`instrument ${instrumentId} has no book: call addInstrument first`);
    this.lastId = instrumentId;
    this.last = instrument;
    return instrument;
  }
}

function writeScaledPrice(out: MarketDataRecord, word: number, ticks: number, scale: number): void {
  writeU64(out.words, out.base + word, ticks * scale);
}

/** midnight + time of day as 64 bits, added word by word so that no nanosecond is rounded. */
function writeSourceTime(out: MarketDataRecord, instrument: InstrumentBook, event: OrderEvent): void {
  const timeOfDayNs = event.timeOfDayNs;
  const timeHi = Math.floor(timeOfDayNs / TWO_POW_32);
  let lo = instrument.midnightLo + (timeOfDayNs - timeHi * TWO_POW_32);
  let hi = instrument.midnightHi + timeHi;
  if (lo >= TWO_POW_32) {
    lo -= TWO_POW_32;
    hi++;
  }
  out.words[out.base + Word.sourceTimeLo] = lo | 0;
  out.words[out.base + Word.sourceTimeHi] = hi | 0;
}
