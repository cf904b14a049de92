// The bench's workload from the LOBSTER AAPL sample (test data lobster/): the book
// operations that LobsterReplay (runtime/book/lobster.ts, checked against the orderbook file
// by test/book/lobster-oracle.test.ts) applies, recorded once, untimed, so that both books
// get the same seed and the same operations, pre-existing orders already resolved to the
// seed orders they were taken from. Messages of types 5, 6 and 7 do not touch the book and
// leave no operation; the few operations learnt from the orderbook file's 10th level
// (levels coming into view, see lobster.ts) are in the stream like any other.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LimitOrderBook, type DepthLevels, type Side } from '../../runtime/book/limit-order-book.ts';
import type { BookResult } from '../../runtime/book/book-result.ts';
import { type LobsterBookRow, LobsterReplay, type LobsterReplayBook, lobsterLines, parseLobsterBookRow, parseLobsterMessage } from '../../runtime/book/lobster.ts';
import { dataLocation } from '../../test/helpers/shared-data.ts';
import { ADD, BUY, type BookOp, type BookWorkload, CANCEL, EXECUTE, REDUCE, REPLACE, SELL, packOps } from './book-ops.ts';

const STEM = 'lobster/AAPL_2012-06-21_34200000_57600000';
export const LOBSTER_MESSAGES = `${STEM}_message_10.first998.csv`;
export const LOBSTER_ORDERBOOK = `${STEM}_orderbook_10.first998.csv`;

export interface LobsterWorkload extends BookWorkload {
  /** The orderbook file's last row: the book after the stream, per LOBSTER. */
  lastRow: LobsterBookRow;
  /** Where the sample was read from, as the data resolver found it: "DIRECTORY, from ROOT". */
  source: string;
}

export function loadLobsterWorkload(): LobsterWorkload {
  const messageFile = dataLocation(LOBSTER_MESSAGES);
  const orderbookFile = dataLocation(LOBSTER_ORDERBOOK);
  const messages = lobsterLines(readFileSync(messageFile.path, 'utf8'));
  const rows = lobsterLines(readFileSync(orderbookFile.path, 'utf8'));
  if (rows.length !== messages.length) throw new Error(`LOBSTER sample: ${messages.length} messages but ${rows.length} orderbook rows`);
  const recorder = new RecordingBook();
  // The recorder wraps a plain LimitOrderBook instead of subclassing it, so the timed
  // books' methods only ever see one hidden class.
  const replay = new LobsterReplay(recorder);
  // Orderbook row 0 is the book after message 0: the seed (as in the oracle test).
  replay.seed(parseLobsterBookRow(rows[0], 1));
  const seedOps = recorder.takeOps();
  let unchangedMessages = 0;
  let learnedOperations = 0;
  for (let k = 1; k < messages.length; k++) {
    if (replay.apply(parseLobsterMessage(messages[k], k + 1)) === 'unchanged') unchangedMessages++;
    const before = recorder.recorded;
    replay.learnDeepestLevel(parseLobsterBookRow(rows[k], k + 1));
    learnedOperations += recorder.recorded - before;
  }
  if (replay.rejected > 0 || replay.unseen > 0 || recorder.rejected > 0) {
    throw new Error(`LOBSTER replay: ${replay.rejected} rejected, ${replay.unseen} unseen, ${recorder.rejected} rejected operations`);
  }
  const leftover = [...recorder.live];
  return {
    seed: packOps(seedOps),
    stream: packOps(recorder.takeOps()),
    leftoverIds: Float64Array.from(leftover),
    leftoverIdStrings: leftover.map(String),
    messages: messages.length - 1,
    unchangedMessages,
    learnedOperations,
    lastRow: parseLobsterBookRow(rows[rows.length - 1], rows.length),
    // Each file comes from the first data directory that holds it: both named if they differ.
    source: [...new Set([messageFile, orderbookFile].map((file) => `${path.dirname(file.path)}, from ${file.root.label}`))].join(' and '),
  };
}

/** Forwards to a LimitOrderBook and records every operation that changed it. */
class RecordingBook implements LobsterReplayBook {
  readonly live = new Set<number>();
  rejected = 0;
  private readonly book = new LimitOrderBook();
  private ops: BookOp[] = [];

  /** Operations recorded since the last takeOps(). */
  get recorded(): number {
    return this.ops.length;
  }

  takeOps(): BookOp[] {
    const ops = this.ops;
    this.ops = [];
    return ops;
  }

  clear(): void {
    this.book.clear();
    this.live.clear();
  }

  add(id: number, side: Side, price: number, quantity: number): BookResult {
    const result = this.book.add(id, side, price, quantity);
    if (result === 'ok') this.record(ADD, id, side, price, quantity);
    else this.rejected++;
    return result;
  }

  reduce(id: number, quantity: number): BookResult {
    return this.take(REDUCE, id, quantity);
  }

  execute(id: number, quantity: number): BookResult {
    return this.take(EXECUTE, id, quantity);
  }

  cancel(id: number): BookResult {
    const order = this.book.order(id);
    const result = this.book.cancel(id);
    if (result === 'ok' && order !== undefined) this.record(CANCEL, id, order.side, order.price, order.quantity);
    else this.rejected++;
    return result;
  }

  replace(id: number, newId: number, price: number, quantity: number): BookResult {
    if (newId !== id) throw new Error('the bench records replaces that keep the order id only');
    const order = this.book.order(id);
    const result = this.book.replace(id, newId, price, quantity);
    if (result === 'ok' && order !== undefined) this.record(REPLACE, id, order.side, price, quantity);
    else this.rejected++;
    return result;
  }

  orderPrice(id: number): number | undefined {
    return this.book.orderPrice(id);
  }

  orderSide(id: number): Side | undefined {
    return this.book.orderSide(id);
  }

  orderQuantity(id: number): number | undefined {
    return this.book.orderQuantity(id);
  }

  quantityAt(side: Side, price: number): number {
    return this.book.quantityAt(side, price);
  }

  queueAt(side: Side, price: number): number[] {
    return this.book.queueAt(side, price);
  }

  depth(side: Side, out: DepthLevels): number {
    return this.book.depth(side, out);
  }

  private take(kind: number, id: number, quantity: number): BookResult {
    const order = this.book.order(id);
    const result = kind === REDUCE ? this.book.reduce(id, quantity) : this.book.execute(id, quantity);
    if (result === 'ok' && order !== undefined) this.record(kind, id, order.side, order.price, quantity);
    else this.rejected++;
    return result;
  }

  private record(kind: number, id: number, side: Side, price: number, quantity: number): void {
    const remaining = this.book.orderQuantity(id) ?? 0;
    if (remaining > 0) this.live.add(id);
    else this.live.delete(id);
    this.ops.push({ kind, id, side: side === 'buy' ? BUY : SELL, price, quantity, remaining });
  }
}
