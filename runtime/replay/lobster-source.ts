// A LOBSTER message file (and, when given, its orderbook file) as a ReplaySource: the
// messages go through a LobsterFeedHandler and every change of the top of book is one
// quote record. next() reads messages until one changes the top, or the file ends.
//
// Seeding: with the orderbook file, the book starts as its row 0 (the book after message
// 0: orders resting since before the file started are only there) and that first message
// yields a snapshot quote; after each later message k the deepest level of row k is learnt
// (LobsterReplay.learnDeepestLevel), so the book stays equal to the file. Without it, the
// book starts empty, and changes to orders placed before the file starts (which it never saw)
// are counted as unseen and skipped.
// The two files must belong together: the price of every add, cancel or execution is a
// level of its side in the row before the message or the row after it, or deeper than both
// rows show (LOBSTER data reaches below the levels an orderbook file shows: applied to the
// book and counted, see orderbook-row-agreement.ts). A price inside the levels shown that is
// a level of neither row is a ReplayInputError at its line (an orderbook file of another
// day or symbol), which names the way through: replay without the orderbook file.
// Times: LOBSTER counts seconds after midnight New York time on the trading date, which
// comes from the file name (TICKER_YYYY-MM-DD_start_end_message_LEVEL.csv) unless given.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { MarketDataRecord } from '../record/market-data-record.ts';
import { PRICE_SCALE, RecordFlag } from '../record/record-layout.ts';
import { NEW_YORK, localMidnightUtcMs } from './exchange-time.ts';
import { LobsterFeedHandler } from './lobster-feed-handler.ts';
import { LobsterMessageReader } from './lobster-message-reader.ts';
import { LobsterOrderbookReader } from './lobster-orderbook-reader.ts';
import { OrderEventType } from './order-event.ts';
import { PriceAgreement, describeContradiction, priceAgreement } from './orderbook-row-agreement.ts';
import { ReplayInputError, type ReplaySource, type SourceEventCounts } from './replay-source.ts';

/** LOBSTER prices are USD × 10,000: one tick is PRICE_SCALE / 10,000 record units. */
export const LOBSTER_PRICE_SCALE = PRICE_SCALE / 10_000;

export interface LobsterSourceOptions {
  /** The matching orderbook file, to seed and keep the book exact. */
  orderbookPath?: string;
  instrumentId: number;
  /** YYYY-MM-DD; by default from the message file's name. */
  tradingDate?: string;
}

const LOBSTER_NAME = /_(\d{4}-\d{2}-\d{2})_\d+_\d+_message_\d+/;
/** What detection takes for a LOBSTER message file name; its orderbook file has _orderbook_ instead. */
export const LOBSTER_MESSAGE_NAME = /_message_\d+/;

/** The trading date in a LOBSTER file name, or undefined. */
export function lobsterTradingDate(file: string): string | undefined {
  return LOBSTER_NAME.exec(path.basename(file))?.[1];
}

/** The orderbook file LOBSTER ships next to a message file (same name, _orderbook_ for _message_), if it is there. */
export function lobsterOrderbookPathFor(messagePath: string): string | undefined {
  const name = path.basename(messagePath);
  const at = name.search(LOBSTER_MESSAGE_NAME);
  if (at < 0) return undefined;
  const candidate = path.join(path.dirname(messagePath), `${name.slice(0, at)}_orderbook_${name.slice(at + '_message_'.length)}`);
  return existsSync(candidate) ? candidate : undefined;
}

export function openLobsterSource(messagePath: string, options: LobsterSourceOptions): LobsterSource {
  const tradingDate = options.tradingDate ?? lobsterTradingDate(messagePath);
  if (tradingDate === undefined) {
    throw new Error(
      `${messagePath}: no trading date: the name is not LOBSTER's TICKER_YYYY-MM-DD_start_end_message_LEVEL.csv, so give the date (YYYY-MM-DD)`,
    );
  }
  const handler = new LobsterFeedHandler();
  handler.addInstrument(options.instrumentId, { midnightUtcMs: localMidnightUtcMs(tradingDate, NEW_YORK), priceScale: LOBSTER_PRICE_SCALE });
  const messages = new LobsterMessageReader(messagePath, { instrumentId: options.instrumentId });
  try {
    const rows = options.orderbookPath === undefined ? undefined : new LobsterOrderbookReader(options.orderbookPath);
    return new LobsterSource(messages, rows, handler, tradingDate);
  } catch (error) {
    messages.close();
    throw error;
  }
}

export class LobsterSource implements ReplaySource {
  readonly description: string;
  readonly handler: LobsterFeedHandler;
  private readonly messages: LobsterMessageReader;
  private readonly rows: LobsterOrderbookReader | undefined;
  /** Messages at prices deeper than both orderbook rows around them show (applied, not checked). */
  deeperThanOrderbook = 0;
  /** The previous row's prices (copied: the reader reuses its row). */
  private previousAskPrices = new Float64Array(0);
  private previousBidPrices = new Float64Array(0);

  constructor(messages: LobsterMessageReader, rows: LobsterOrderbookReader | undefined, handler: LobsterFeedHandler, tradingDate: string) {
    this.messages = messages;
    this.rows = rows;
    this.handler = handler;
    const seeding = rows === undefined ? 'no orderbook file: starts empty' : `seeded from ${path.basename(rows.file)}`;
    this.description = `LOBSTER ${path.basename(messages.file)} (instrument ${messages.event.instrumentId}, ${tradingDate} New York, ${seeding})`;
  }

  get bytesRead(): number {
    return this.messages.bytesRead;
  }
  get totalBytes(): number {
    return this.messages.totalBytes;
  }

  next(out: MarketDataRecord): boolean {
    const messages = this.messages;
    const rows = this.rows;
    const handler = this.handler;
    const event = messages.event;
    for (;;) {
      if (!messages.next()) return false;
      if (rows === undefined) {
        if (handler.onEvent(event, out)) return true;
        continue;
      }
      this.nextRow();
      if (messages.lineNumber === 1) {
        handler.seedFrom(event, rows.row);
        this.keepPrices();
        if (handler.quoteIfTopChanged(event, out, RecordFlag.snapshot)) return true;
        continue;
      }
      this.checkAgainstRows();
      handler.apply(event);
      handler.learnDeepestLevel(event.instrumentId, rows.row);
      this.keepPrices();
      if (handler.quoteIfTopChanged(event, out)) return true;
    }
  }

  close(): void {
    this.messages.close();
    this.rows?.close();
  }

  eventCounts(): SourceEventCounts {
    const handler = this.handler;
    return { events: handler.messages, rejected: handler.rejected, unseen: handler.unseen, seeded: this.rows !== undefined, deeperThanOrderbook: this.deeperThanOrderbook };
  }

  private keepPrices(): void {
    const row = this.rows!.row;
    if (this.previousAskPrices.length !== row.askPrices.length) {
      this.previousAskPrices = new Float64Array(row.askPrices.length);
      this.previousBidPrices = new Float64Array(row.bidPrices.length);
    }
    this.previousAskPrices.set(row.askPrices);
    this.previousBidPrices.set(row.bidPrices);
  }

  /** Counts a message deeper than the rows show; throws if its price contradicts them. */
  private checkAgainstRows(): void {
    const event = this.messages.event;
    if (event.type < OrderEventType.add || event.type > OrderEventType.execute) return;
    const row = this.rows!.row;
    const buy = event.direction === 1;
    const before = buy ? this.previousBidPrices : this.previousAskPrices;
    const after = buy ? row.bidPrices : row.askPrices;
    const agreement = priceAgreement(event.price, buy, before, after);
    if (agreement === PriceAgreement.level) return;
    if (agreement === PriceAgreement.deeper) {
      this.deeperThanOrderbook++;
      return;
    }
    const description = describeContradiction({
      line: this.messages.lineNumber,
      type: event.type,
      buy,
      price: event.price,
      before,
      after,
      orderbookName: path.basename(this.rows!.file),
    });
    throw new ReplayInputError(this.messages.file, this.messages.lineOffset, description);
  }

  /** The orderbook row of the message just read (row k is the book after message k). */
  private nextRow(): void {
    const rows = this.rows!;
    if (rows.next()) return;
    throw new ReplayInputError(
      rows.file,
      rows.bytesRead,
      `the orderbook file ends after ${rows.lineNumber} rows but the message file goes on (line ${this.messages.lineNumber}): ` +
        'give the whole orderbook file, or replay from the messages alone with --orderbook none',
    );
  }
}
