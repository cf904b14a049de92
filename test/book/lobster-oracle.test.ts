// Oracle test: LOBSTER's AAPL sample (../shared/data/lobster, see its README section 3)
// replayed through LimitOrderBook. The book is seeded from orderbook row 0; after each
// later message k the top 9 levels of both sides must equal orderbook row k. Level 10 is
// not compared. LOBSTER's message_10 file holds only the events inside the top 10 levels,
// so what happens deeper (orders that drift out of view and are cancelled or filled there,
// levels that come into view from below) is in no message: after the comparison,
// LobsterReplay.learnDeepestLevel takes it from row k's level 10 and from the gap between
// its levels 9 and 10, and changes only prices beyond level 9's. So each comparison of
// levels 1-9 checks what the messages did to the book, on top of what earlier rows showed
// of the depths no message reaches; how often the replay had to learn is pinned below.
// Also: LOBSTER's conventions (hidden executions, halts, pre-existing orders) on small
// hand-written streams, and parse errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LimitOrderBook, depthLevels } from '../../runtime/book/limit-order-book.ts';
import {
  LOBSTER_EMPTY_ASK_PRICE,
  LOBSTER_EMPTY_BID_PRICE,
  LobsterFormatError,
  LobsterReplay,
  type LobsterBookRow,
  type LobsterMessage,
  type LobsterOutcome,
  emptyMessage,
  lobsterLines,
  parseLobsterBookRow,
  parseLobsterMessage,
} from '../../runtime/book/lobster.ts';
import { dataPath } from '../helpers/shared-data.ts';

const STEM = 'lobster/AAPL_2012-06-21_34200000_57600000';
const MESSAGES = `${STEM}_message_10.first998.csv`;
const ORDERBOOK = `${STEM}_orderbook_10.first998.csv`;
const COMPARED_LEVELS = 9;

/** Differences between the book's top levels and a LOBSTER row, as readable strings. */
function differences(book: LimitOrderBook, row: LobsterBookRow, levels: number): string[] {
  const found: string[] = [];
  for (const side of ['buy', 'sell'] as const) {
    const out = depthLevels(levels);
    const written = book.depth(side, out);
    const prices = side === 'buy' ? row.bidPrices : row.askPrices;
    const sizes = side === 'buy' ? row.bidSizes : row.askSizes;
    const empty = side === 'buy' ? LOBSTER_EMPTY_BID_PRICE : LOBSTER_EMPTY_ASK_PRICE;
    for (let level = 0; level < levels; level++) {
      const ours = level < written ? `${out.quantities[level]}@${out.prices[level]}` : `0@${empty}`;
      const theirs = `${sizes[level]}@${prices[level]}`;
      if (ours !== theirs) found.push(`${side} level ${level + 1}: book ${ours}, LOBSTER ${theirs}`);
    }
  }
  return found;
}

/** Messages of one type from line `from` (0-based) on. */
function countOfType(messages: string[], type: number, from: number): number {
  return messages.slice(from).filter((line) => line.split(',')[1] === String(type)).length;
}

describe('LOBSTER AAPL sample', () => {
  it('matches the orderbook file on the top 9 levels after every message', () => {
    const messages = lobsterLines(readFileSync(dataPath(MESSAGES), 'utf8'));
    const rows = lobsterLines(readFileSync(dataPath(ORDERBOOK), 'utf8'));
    // The data README says 998 rows; the files hold 999 lines (998 newlines, none after the last).
    expect(messages.length).toBe(999);
    expect(rows.length).toBe(messages.length);

    const replay = new LobsterReplay(new LimitOrderBook());
    replay.seed(parseLobsterBookRow(rows[0], 1));
    const outcomes = new Map<LobsterOutcome, number>();
    const message = emptyMessage();
    let compared = 0;
    const mismatches: string[] = [];
    for (let k = 1; k < messages.length; k++) {
      const outcome = replay.apply(parseLobsterMessage(messages[k], k + 1, message));
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      const row = parseLobsterBookRow(rows[k], k + 1);
      const found = differences(replay.book, row, COMPARED_LEVELS);
      // Only after comparing: the last level of row k may bring pre-existing orders into view.
      replay.learnDeepestLevel(row);
      if (found.length > 0) mismatches.push(`after message line ${k + 1} (${messages[k]}): ${found.join('; ')}`);
      compared++;
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(compared).toBe(998);
    // Out-of-view changes learnt from the last (10th, never compared) level, see lobster.ts.
    expect([replay.learnedLevels, replay.learnedQuantity, replay.droppedLevels, replay.trimmedQuantity]).toEqual([11, 5321, 2, 100]);
    expect([replay.rejected, replay.unseen]).toEqual([0, 0]);
    // Every visible change was applied either to a known order or to a seeded level.
    expect((outcomes.get('order') ?? 0) + (outcomes.get('level') ?? 0) + (outcomes.get('unchanged') ?? 0)).toBe(998);
    expect(outcomes.get('unchanged')).toBe(countOfType(messages, 5, 1));
  });
});

describe('LobsterReplay conventions', () => {
  const seedRow = parseLobsterBookRow('1010,5,1000,7,1020,3,990,2', 1);

  function replayOf(): LobsterReplay {
    const replay = new LobsterReplay(new LimitOrderBook());
    replay.seed(seedRow);
    return replay;
  }

  function apply(replay: LobsterReplay, line: string): LobsterOutcome {
    return replay.apply(parseLobsterMessage(line, 1));
  }

  it('seeds one order per visible level and takes pre-existing orders from it', () => {
    const replay = replayOf();
    expect(differences(replay.book, seedRow, 2)).toEqual([]);
    expect(apply(replay, '34200.1,4,777,3,1000,1')).toBe('level');
    expect(replay.book.quantityAt('buy', 1000)).toBe(4);
    expect(apply(replay, '34200.2,3,778,4,1000,1')).toBe('level');
    expect(replay.book.bestBidPrice()).toBe(990);
    // Below the seeded depth: skipped and counted.
    expect(apply(replay, '34200.3,3,779,4,980,1')).toBe('unseen');
    expect(replay.unseen).toBe(1);
  });

  it('applies known orders by id; hidden executions, cross trades and halts leave the book alone', () => {
    const replay = replayOf();
    expect(apply(replay, '34200.1,1,5,10,1005,-1')).toBe('order');
    expect(apply(replay, '34200.2,2,5,4,1005,-1')).toBe('order');
    expect(replay.book.orderQuantity(5)).toBe(6);
    expect(apply(replay, '34200.3,5,0,100,1004,-1')).toBe('unchanged');
    expect(apply(replay, '34200.4,6,0,100,1004,-1')).toBe('unchanged');
    expect(apply(replay, '34200.5,7,0,0,-1,-1')).toBe('unchanged');
    expect(replay.tradingState).toBe('halted');
    expect(apply(replay, '34200.6,7,0,0,0,-1')).toBe('unchanged');
    expect(replay.tradingState).toBe('quoting');
    expect(apply(replay, '34200.7,7,0,0,1,-1')).toBe('unchanged');
    expect(replay.tradingState).toBe('trading');
    expect([replay.book.bestAskPrice(), replay.book.bestAskQuantity()]).toEqual([1005, 6]);
    expect(apply(replay, '34200.8,4,5,6,1005,-1')).toBe('order');
    expect(replay.book.bestAskPrice()).toBe(1010);
  });

  it('reports what the book rejects', () => {
    const replay = replayOf();
    expect(apply(replay, '34200.1,1,5,10,1000,-1')).toBe('locks-book');
    expect(apply(replay, '34200.1,1,6,10,1010,1')).toBe('locks-book');
    expect(apply(replay, '34200.1,1,7,10,1020,1')).toBe('crosses-book');
    // A pre-existing order executed for more than its seeded level holds (7 at 1000).
    expect(apply(replay, '34200.2,4,777,8,1000,1')).toBe('bad-quantity');
    expect(replay.rejected).toBe(4);
    expect(differences(replay.book, seedRow, 2)).toEqual([]);
  });

  it('refuses events that are not LOBSTER events, whoever filled them, and changes nothing', () => {
    const replay = replayOf();
    expect(apply(replay, '34200.1,1,5,10,1005,-1')).toBe('order');
    const event = (fields: Partial<LobsterMessage>): LobsterMessage => ({ ...emptyMessage(), time: 34200.2, type: 3, orderId: 5, size: 10, price: 1005, direction: -1, ...fields });
    const bad: Partial<LobsterMessage>[] = [
      // The seed orders' ids: a message must not reach them.
      { orderId: -1, price: 1010 },
      { type: 1, orderId: 0, price: 1030 },
      // Not a type, direction or trading status of LOBSTER's.
      { type: 9 },
      { type: 0 },
      { direction: 0 },
      { type: 7, orderId: 0, size: 0, price: 5 },
      // Order 5 rests at 1005 on the sell side: a message naming another price or side disagrees.
      { price: 1006 },
      { direction: 1 },
      { type: 4, size: 1, price: 1004 },
    ];
    for (const fields of bad) expect(replay.apply(event(fields)), JSON.stringify(fields)).toBe('bad-event');
    expect(replay.rejected).toBe(bad.length);
    expect(replay.tradingState).toBe('trading');
    expect(replay.book.orderQuantity(5)).toBe(10);
    expect(replay.book.orderCount).toBe(5);
    expect(replay.apply(event({}))).toBe('order');
    expect(replay.book.hasOrder(5)).toBe(false);
    expect(differences(replay.book, seedRow, 2)).toEqual([]);
  });

  it('names the line of a malformed message or row', () => {
    expect(() => parseLobsterMessage('34200.1,1,5,10,1000', 12)).toThrow(LobsterFormatError);
    expect(() => parseLobsterMessage('34200.1,1,5,10,1000', 12)).toThrow(/line 12: expected 6 fields/);
    expect(() => parseLobsterMessage('34200.1,9,5,10,1000,1', 3)).toThrow(/unknown event type 9/);
    expect(() => parseLobsterMessage('34200.1,1,5,x,1000,1', 3)).toThrow(/malformed/);
    expect(() => parseLobsterMessage('34200.1,1,5,1,1000,0', 3)).toThrow(/direction/);
    expect(() => parseLobsterBookRow('1,2,3', 4)).toThrow(/line 4: expected 4 fields per level/);
  });
});
