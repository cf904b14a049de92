// LOBSTER (lobsterdata.com) message and orderbook files, and replaying the messages into a
// LimitOrderBook.
//
// Message file, one event per line: time (seconds after midnight, decimal), type, order
// id, size, price (USD × 10,000, used as ticks as is), direction (1 buy, -1 sell). For
// executions the direction is the side of the resting order that was hit. Types:
//   1 new limit order            -> add
//   2 partial cancellation       -> reduce by size
//   3 deletion                   -> cancel
//   4 execution of a visible order -> execute size
//   5 execution of a hidden order: hidden orders never appear in the book or in any
//     other message, so the book is unchanged
//   6 cross trade (auction): prints a trade, the book is unchanged
//   7 trading halt: price -1 halt, 0 quoting resumes, 1 trading resumes; the book is
//     unchanged and the state is kept in `LobsterReplay.tradingState`
// Orderbook file, line k = the book after message k: askPrice1, askSize1, bidPrice1,
// bidSize1, askPrice2, … for the file's number of levels; an empty level is price
// 9999999999 (ask) or -9999999999 (bid) with size 0.
//
// Initial book: orders resting before the file starts (e.g. placed before 09:30) are not
// in the message file, and the orderbook file shows only its top levels of them. A replay
// therefore seeds the book from an orderbook line: one synthetic order per visible level,
// with negative ids that LOBSTER never uses (a message naming an id below 1 on types 1–4
// is a 'bad-event', so it cannot touch them). A later reduce, delete or execution of an id
// the book does not know is such a pre-existing order, and is taken from the seed order at
// its price and side (a price-level adjustment). If no seed order is there (the level was
// deeper than the snapshot showed), the message is counted as `unseen` and skipped.
//
// A LOBSTER message file of N levels holds only the events inside the top N levels
// ("in the requested price range"): what happens deeper is in no message. Levels come into
// view from below as the top levels empty, and their pre-existing orders were never in any
// message. `learnDeepestLevel(row k)` therefore looks at the last level of orderbook row k
// (10 in the sample) and seeds whatever that level holds beyond the book's own quantity
// there; it reads only the row's last two levels and changes only prices beyond the
// second-to-last. A level that has just come into view is always the last one (a message
// changes one level), so comparing the levels above the last with the file after every
// message still checks the replay. The
// sample needs this for levels deeper than the first row shows, and once for a level
// inside it: 200 at 5873000 (ask) shows up after the opening cross (line 48, time
// 34200.275072491) with no message that adds it. Likewise levels leave while out of view
// with no message (the sample's 5 at 5863300, added at line 83, is gone by line 593): the
// row shows every level between its last two prices, so book levels strictly between them
// are dropped, and a last level holding more than the row shows is trimmed to it (the
// sample's bid at 5849900 loses 100 out of view by line 847). Each is counted.

import { BookError, type BookRejection } from './book-result.ts';
import { type LimitOrderBook, type Side, depthLevels } from './limit-order-book.ts';

export const LOBSTER_EMPTY_ASK_PRICE = 9999999999;
export const LOBSTER_EMPTY_BID_PRICE = -9999999999;

export interface LobsterMessage {
  /** Seconds after midnight. */
  time: number;
  type: number;
  orderId: number;
  size: number;
  price: number;
  /** 1 buy, -1 sell. */
  direction: number;
}

/** One orderbook line: the top levels of each side, best first; empty levels have size 0. */
export interface LobsterBookRow {
  askPrices: Float64Array;
  askSizes: Float64Array;
  bidPrices: Float64Array;
  bidSizes: Float64Array;
}

export class LobsterFormatError extends Error {
  readonly line: number;

  constructor(message: string, line: number) {
    super(`LOBSTER line ${line}: ${message}`);
    this.name = 'LobsterFormatError';
    this.line = line;
  }
}

const KNOWN_TYPES = new Set([1, 2, 3, 4, 5, 6, 7]);

/** Parses one message line (`line` is its 1-based number, for errors) into `out`. */
export function parseLobsterMessage(text: string, line: number, out: LobsterMessage = emptyMessage()): LobsterMessage {
  const fields = text.trim().split(',');
  if (fields.length !== 6) throw new LobsterFormatError(`expected 6 fields, found ${fields.length}`, line);
  const time = Number(fields[0]);
  const numbers = [Number(fields[1]), Number(fields[2]), Number(fields[3]), Number(fields[4]), Number(fields[5])];
  if (!Number.isFinite(time) || numbers.some((value) => !Number.isSafeInteger(value))) {
    throw new LobsterFormatError(`malformed field in "${text.trim()}"`, line);
  }
  const [type, orderId, size, price, direction] = numbers as [number, number, number, number, number];
  if (!KNOWN_TYPES.has(type)) throw new LobsterFormatError(`unknown event type ${type}`, line);
  if (direction !== 1 && direction !== -1) throw new LobsterFormatError(`direction ${direction} is neither 1 nor -1`, line);
  out.time = time;
  out.type = type;
  out.orderId = orderId;
  out.size = size;
  out.price = price;
  out.direction = direction;
  return out;
}

export function emptyMessage(): LobsterMessage {
  return { time: 0, type: 0, orderId: 0, size: 0, price: 0, direction: 0 };
}

/** Parses one orderbook line of `levels` levels per side. */
export function parseLobsterBookRow(text: string, line: number): LobsterBookRow {
  const fields = text.trim().split(',').map(Number);
  if (fields.length === 0 || fields.length % 4 !== 0) {
    throw new LobsterFormatError(`expected 4 fields per level, found ${fields.length} fields`, line);
  }
  if (fields.some((value) => !Number.isSafeInteger(value))) throw new LobsterFormatError('malformed field', line);
  const levels = fields.length / 4;
  const row: LobsterBookRow = {
    askPrices: new Float64Array(levels),
    askSizes: new Float64Array(levels),
    bidPrices: new Float64Array(levels),
    bidSizes: new Float64Array(levels),
  };
  for (let level = 0; level < levels; level++) {
    row.askPrices[level] = fields[4 * level]!;
    row.askSizes[level] = fields[4 * level + 1]!;
    row.bidPrices[level] = fields[4 * level + 2]!;
    row.bidSizes[level] = fields[4 * level + 3]!;
  }
  return row;
}

/** Splits a file's text into lines, without a trailing empty line. */
export function lobsterLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * What one message did: 'order' (applied to a known order or added one), 'level' (taken
 * from a seeded level: a pre-existing order), 'unchanged' (types 5, 6, 7), 'unseen' (a
 * pre-existing order below the seeded depth, skipped), 'bad-event' (not a LOBSTER event:
 * a type other than 1–7, a direction other than ±1, a trading status other than -1, 0, 1,
 * an order id below 1 on types 1–4, where the replay's own seed orders live, or a price or
 * side that disagrees with the resting order it names), or the
 * book's rejection. Anything but the first four changed nothing.
 */
export type LobsterOutcome = 'order' | 'level' | 'unchanged' | 'unseen' | 'bad-event' | BookRejection;

export type TradingState = 'trading' | 'halted' | 'quoting';

/** What a replay needs of a book: a LimitOrderBook, or something that forwards to one (the book bench's recorder). */
export type LobsterReplayBook = Pick<
  LimitOrderBook,
  'add' | 'reduce' | 'execute' | 'cancel' | 'replace' | 'clear' | 'orderPrice' | 'orderSide' | 'orderQuantity' | 'quantityAt' | 'queueAt' | 'depth'
>;

export class LobsterReplay<Book extends LobsterReplayBook = LimitOrderBook> {
  readonly book: Book;
  tradingState: TradingState = 'trading';
  /** Messages skipped as 'unseen'. */
  unseen = 0;
  /** Messages the book rejected. */
  rejected = 0;
  /** Times learnDeepestLevel seeded quantity, and how much in all. */
  learnedLevels = 0;
  learnedQuantity = 0;
  /** Quantity taken off the last level by learnDeepestLevel. */
  trimmedQuantity = 0;
  /** Levels dropped by learnDeepestLevel. */
  droppedLevels = 0;
  private readonly scratch = depthLevels(64);
  private readonly seeds = { buy: new Map<number, number>(), sell: new Map<number, number>() };
  private nextSeedId = -1;

  constructor(book: Book) {
    this.book = book;
  }

  /** Clears the book and rests one synthetic order per non-empty level of `row`. */
  seed(row: LobsterBookRow): void {
    this.book.clear();
    this.seeds.buy.clear();
    this.seeds.sell.clear();
    for (let level = 0; level < row.askPrices.length; level++) {
      this.seedLevel('sell', row.askPrices[level], row.askSizes[level]);
      this.seedLevel('buy', row.bidPrices[level], row.bidSizes[level]);
    }
  }

  /**
   * Seeds the pre-existing orders of a level that has just come into view as the last
   * level of `row` (the orderbook line after the last applied message).
   */
  learnDeepestLevel(row: LobsterBookRow): void {
    const last = row.askPrices.length - 1;
    if (last < 1) return;
    this.dropBetween('sell', row.askPrices[last - 1], row.askPrices[last], row.askSizes[last]);
    this.dropBetween('buy', row.bidPrices[last - 1], row.bidPrices[last], row.bidSizes[last]);
    this.learn('sell', row.askPrices[last], row.askSizes[last]);
    this.learn('buy', row.bidPrices[last], row.bidSizes[last]);
  }

  /** Takes `excess` off a level: from its seed order first, then from its newest orders. */
  private trim(side: Side, price: number, excess: number): void {
    this.trimmedQuantity += excess;
    const seedId = this.seeds[side].get(price);
    const queue = this.book.queueAt(side, price);
    if (seedId !== undefined) queue.push(seedId);
    for (let index = queue.length - 1; index >= 0 && excess > 0; index--) {
      const id = queue[index];
      const quantity = this.book.orderQuantity(id) ?? 0;
      if (quantity === 0) continue;
      const take = Math.min(quantity, excess);
      this.book.reduce(id, take);
      if (take === quantity && id === seedId) this.seeds[side].delete(price);
      excess -= take;
    }
  }

  /** Drops the book's levels strictly between two adjacent levels of a row. */
  private dropBetween(side: Side, above: number, last: number, lastSize: number): void {
    if (lastSize <= 0) return;
    const out = this.scratch;
    const count = this.book.depth(side, out);
    for (let level = 0; level < count; level++) {
      const price = out.prices[level];
      const between = side === 'buy' ? price < above && price > last : price > above && price < last;
      if (!between) continue;
      for (const id of this.book.queueAt(side, price)) {
        this.book.cancel(id);
        if (id < 0) this.seeds[side].delete(price);
      }
      this.droppedLevels++;
    }
  }

  private learn(side: Side, price: number, size: number): void {
    if (size <= 0) return;
    const missing = size - this.book.quantityAt(side, price);
    if (missing < 0) {
      this.trim(side, price, -missing);
      return;
    }
    if (missing === 0) return;
    this.learnedLevels++;
    this.learnedQuantity += missing;
    const seedId = this.seeds[side].get(price);
    if (seedId === undefined) {
      this.seedLevel(side, price, missing);
      return;
    }
    const result = this.book.replace(seedId, seedId, price, (this.book.orderQuantity(seedId) ?? 0) + missing);
    if (result !== 'ok') throw new BookError(result, seedId, `topping up the ${side} seed at ${price}`);
  }

  apply(message: LobsterMessage): LobsterOutcome {
    const outcome = this.outcomeOf(message);
    if (outcome === 'unseen') this.unseen++;
    else if (outcome !== 'order' && outcome !== 'level' && outcome !== 'unchanged') this.rejected++;
    return outcome;
  }

  private outcomeOf(message: LobsterMessage): LobsterOutcome {
    const book = this.book;
    // Readers of other venues fill events too: check what the LOBSTER parser would have.
    if (message.direction !== 1 && message.direction !== -1) return 'bad-event';
    const side: Side = message.direction === 1 ? 'buy' : 'sell';
    const id = message.orderId;
    if (message.type >= 1 && message.type <= 4 && !(id >= 1)) return 'bad-event';
    switch (message.type) {
      case 1: {
        const result = book.add(id, side, message.price, message.size);
        return result === 'ok' ? 'order' : result;
      }
      case 2:
      case 3:
      case 4: {
        const restingPrice = book.orderPrice(id);
        if (restingPrice !== undefined) {
          // The message names the order's price and side: one that disagrees with the book is not applied.
          if (restingPrice !== message.price || book.orderSide(id) !== side) return 'bad-event';
          const result = message.type === 3 ? book.cancel(id) : message.type === 2 ? book.reduce(id, message.size) : book.execute(id, message.size);
          return result === 'ok' ? 'order' : result;
        }
        return this.takeFromSeed(side, message.price, message.size);
      }
      case 5:
      case 6:
        return 'unchanged';
      case 7:
        if (message.price === -1) this.tradingState = 'halted';
        else if (message.price === 0) this.tradingState = 'quoting';
        else if (message.price === 1) this.tradingState = 'trading';
        else return 'bad-event';
        return 'unchanged';
      default:
        return 'bad-event';
    }
  }

  private takeFromSeed(side: Side, price: number, size: number): LobsterOutcome {
    const seedId = this.seeds[side].get(price);
    if (seedId === undefined) return 'unseen';
    const left = this.book.orderQuantity(seedId) ?? 0;
    const result = this.book.reduce(seedId, size);
    if (result !== 'ok') return result;
    if (size === left) this.seeds[side].delete(price);
    return 'level';
  }

  private seedLevel(side: Side, price: number, size: number): void {
    if (size <= 0 || price === LOBSTER_EMPTY_ASK_PRICE || price === LOBSTER_EMPTY_BID_PRICE) return;
    const id = this.nextSeedId--;
    const result = this.book.add(id, side, price, size);
    if (result !== 'ok') throw new BookError(result, id, `seeding ${side} ${size} at ${price}`);
    this.seeds[side].set(price, id);
  }
}
