// openLobsterSource on LOBSTER's AAPL sample (../shared/data/lobster). Oracle: with the
// orderbook file, every quote equals level 1 of the orderbook row of the message that
// produced it, and every row whose level 1 differs from the row before produced exactly
// one quote (row 0, the seed, produces the snapshot quote). Times: 2012-06-21 is summer
// time in New York, so midnight there is 04:00 UTC, and the record's 64 bits hold the
// nanoseconds of the file exactly. Also: no orderbook file, trading date from the name or
// given, and truncated or mismatched files. Messages at prices deeper than the orderbook
// file shows are LOBSTER data (its README: level 10 can be filled from deeper levels the file
// does not show): an orderbook file cut to 5 levels, and messages synthesised below the
// 10th level, replay to the same quotes; only a price inside the levels a row shows that is
// a level of neither row around the message is an error.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOBSTER_EMPTY_ASK_PRICE, LOBSTER_EMPTY_BID_PRICE, lobsterLines, parseLobsterBookRow } from '../../runtime/book/lobster.ts';
import { depthLevels } from '../../runtime/book/limit-order-book.ts';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { RecordFlag, RecordType, Word } from '../../runtime/record/record-layout.ts';
import { type LobsterSource, lobsterOrderbookPathFor, lobsterTradingDate, openLobsterSource } from '../../runtime/replay/lobster-source.ts';
import { ReplayInputError } from '../../runtime/replay/replay-source.ts';
import { dataPath } from '../helpers/shared-data.ts';

const STEM = 'lobster/AAPL_2012-06-21_34200000_57600000';
const MESSAGES = `${STEM}_message_10.first998.csv`;
const ORDERBOOK = `${STEM}_orderbook_10.first998.csv`;
const NEW_YORK_MIDNIGHT_NS = BigInt(Date.parse('2012-06-21T04:00:00Z')) * 1_000_000n;

interface Quote {
  /** 0-based line of the message that produced it. */
  message: number;
  sourceTimeNs: bigint;
  instrumentId: number;
  type: number;
  flags: number;
  top: [number, number, number, number];
}

/** Every quote of a source, with the message that produced it, and the error that ended it, if any. */
function drain(source: LobsterSource): { quotes: Quote[]; error: unknown } {
  const record = new MarketDataRecord();
  const quotes: Quote[] = [];
  try {
    while (source.next(record)) {
      const words = record.words;
      quotes.push({
        message: source.handler.messages - 1,
        sourceTimeNs: (BigInt(words[Word.sourceTimeHi] >>> 0) << 32n) | BigInt(words[Word.sourceTimeLo] >>> 0),
        instrumentId: record.instrumentId,
        type: record.type,
        flags: record.flags,
        top: [record.bidPrice, record.bidSize, record.askPrice, record.askSize],
      });
    }
    return { quotes, error: undefined };
  } catch (error) {
    return { quotes, error };
  } finally {
    source.close();
  }
}

/**
 * Drains a source, and at every quote compares the book's top `levels` levels (price and
 * size, both sides) with the orderbook row of the message that produced it; returns the
 * quotes and the first rows that differ.
 */
function drainComparingLevels(source: LobsterSource, instrumentId: number, rows: string[], levels: number): { quotes: Quote[]; error: unknown; differing: string[] } {
  const book = source.handler.replayOf(instrumentId).book;
  const out = depthLevels(levels);
  const differing: string[] = [];
  const record = new MarketDataRecord();
  const quotes: Quote[] = [];
  try {
    while (source.next(record)) {
      const message = source.handler.messages - 1;
      quotes.push({ message, sourceTimeNs: 0n, instrumentId: record.instrumentId, type: record.type, flags: record.flags, top: [record.bidPrice, record.bidSize, record.askPrice, record.askSize] });
      const row = parseLobsterBookRow(rows[message], message + 1);
      const shown = (side: 'buy' | 'sell'): string => {
        const count = book.depth(side, out);
        return Array.from({ length: levels }, (_, level) => (level < count ? `${out.prices[level]}x${out.quantities[level]}` : 'empty')).join(' ');
      };
      const expected = (prices: Float64Array, sizes: Float64Array): string =>
        Array.from({ length: levels }, (_, level) => (sizes[level] === 0 ? 'empty' : `${prices[level]}x${sizes[level]}`)).join(' ');
      const got = `bids ${shown('buy')} asks ${shown('sell')}`;
      const want = `bids ${expected(row.bidPrices, row.bidSizes)} asks ${expected(row.askPrices, row.askSizes)}`;
      if (got !== want) differing.push(`row ${message}: book ${got}, file ${want}`);
    }
    return { quotes, error: undefined, differing };
  } catch (error) {
    return { quotes, error, differing };
  } finally {
    source.close();
  }
}

/** Level 1 of an orderbook line as record fields: prices × 10,000, an empty side 0 at size 0. */
function levelOne(text: string, line: number): [number, number, number, number] {
  const row = parseLobsterBookRow(text, line);
  const bid = row.bidPrices[0] === LOBSTER_EMPTY_BID_PRICE ? 0 : row.bidPrices[0] * 10_000;
  const ask = row.askPrices[0] === LOBSTER_EMPTY_ASK_PRICE ? 0 : row.askPrices[0] * 10_000;
  return [bid, row.bidSizes[0], ask, row.askSizes[0]];
}

/** The exact time of a message line: midnight New York + its decimal seconds. */
function exactTime(line: string): bigint {
  const [whole, fraction = ''] = line.split(',')[0].split('.');
  return NEW_YORK_MIDNIGHT_NS + BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
}

const dir = mkdtempSync(path.join(tmpdir(), 'lobster-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lobster file names', () => {
  it('takes the trading date from LOBSTER names and finds the orderbook file next to the messages', () => {
    expect(lobsterTradingDate('/x/AAPL_2012-06-21_34200000_57600000_message_10.csv')).toBe('2012-06-21');
    expect(lobsterTradingDate('BRK.A_2019-01-02_34200000_57600000_message_5.first998.csv')).toBe('2019-01-02');
    expect(lobsterTradingDate('/x/messages.csv')).toBeUndefined();
    expect(lobsterOrderbookPathFor(path.join(dir, 'AAPL_2012-06-21_1_2_message_1.csv'))).toBeUndefined();
    // Any name replay takes for a message file finds its sibling, the full LOBSTER pattern or not.
    writeFileSync(path.join(dir, 'AAPL_message_10.csv'), '');
    writeFileSync(path.join(dir, 'AAPL_orderbook_10.csv'), '');
    expect(lobsterOrderbookPathFor(path.join(dir, 'AAPL_message_10.csv'))).toBe(path.join(dir, 'AAPL_orderbook_10.csv'));
  });

  it('asks for the trading date when the name has none', () => {
    const file = path.join(dir, 'messages.csv');
    writeFileSync(file, '34200.1,1,5,10,5853300,1\n');
    expect(() => openLobsterSource(file, { instrumentId: 1 })).toThrow(/no trading date.*TICKER_YYYY-MM-DD_start_end_message_LEVEL\.csv/);
    expect(() => openLobsterSource(file, { instrumentId: 1, tradingDate: '2012-13-01' })).toThrow(/not a YYYY-MM-DD calendar date/);
    const { quotes } = drain(openLobsterSource(file, { instrumentId: 1, tradingDate: '2012-01-03' }));
    // Winter: New York is UTC-5.
    expect(quotes.map((quote) => quote.sourceTimeNs)).toEqual([BigInt(Date.parse('2012-01-03T05:00:00Z') + 34_200_100) * 1_000_000n]);
  });
});

describe('openLobsterSource on the AAPL sample', () => {
  const messages = lobsterLines(readFileSync(dataPath(MESSAGES), 'latin1'));
  const rows = lobsterLines(readFileSync(dataPath(ORDERBOOK), 'latin1'));

  it('with the orderbook file: one quote per change of level 1, equal to the row of its message, at its exact time', () => {
    expect(lobsterOrderbookPathFor(dataPath(MESSAGES))).toBe(dataPath(ORDERBOOK));
    const source = openLobsterSource(dataPath(MESSAGES), { instrumentId: 42, orderbookPath: dataPath(ORDERBOOK) });
    expect(source.description).toMatch(/^LOBSTER AAPL_2012-06-21_.*instrument 42, 2012-06-21 New York, seeded from AAPL_/);
    expect(source.totalBytes).toBe(40_067);
    const { quotes, error } = drain(source);
    expect(error).toBeUndefined();
    expect(source.bytesRead).toBe(40_067);

    const tops = rows.map((row, k) => levelOne(row, k + 1));
    const changed = tops.flatMap((top, k) => (k === 0 || top.join() !== tops[k - 1].join() ? [k] : []));
    expect(quotes.map((quote) => quote.message)).toEqual(changed);
    const mismatches = quotes.filter((quote) => quote.top.join() !== tops[quote.message].join() || quote.sourceTimeNs !== exactTime(messages[quote.message]));
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(quotes.every((quote) => quote.instrumentId === 42 && quote.type === RecordType.quote)).toBe(true);
    expect(quotes[0].flags).toBe(RecordFlag.snapshot | RecordFlag.replayed);
    expect(quotes.slice(1).every((quote) => quote.flags === RecordFlag.replayed)).toBe(true);
    // 09:30:00.004241176 New York is 13:30:00.004241176 UTC.
    expect(quotes[0].sourceTimeNs).toBe(BigInt(Date.parse('2012-06-21T13:30:00Z')) * 1_000_000n + 4_241_176n);
    const { messages: count, quotes: written, rejected, unseen } = source.handler;
    expect({ count, written, rejected, unseen }).toEqual({ count: 999, written: quotes.length, rejected: 0, unseen: 0 });
    expect(quotes.length).toBe(485);
  });

  it('without the orderbook file: starts empty, skips changes to orders it never saw, and counts them', () => {
    const source = openLobsterSource(dataPath(MESSAGES), { instrumentId: 1 });
    expect(source.description).toMatch(/no orderbook file: starts empty/);
    const { quotes, error } = drain(source);
    expect(error).toBeUndefined();
    expect(source.handler.messages).toBe(999);
    expect(source.handler.rejected).toBe(0);
    expect(source.handler.unseen).toBeGreaterThan(0);
    expect(source.eventCounts()).toMatchObject({ unseen: source.handler.unseen, seeded: false });
    // The first message adds a bid to the empty book: a quote with an empty ask side.
    expect(quotes[0].top).toEqual([5853300 * 10_000, 18, 0, 0]);
    expect(quotes.every((quote) => quote.flags === RecordFlag.replayed)).toBe(true);
    for (const { top } of quotes) if (top[0] !== 0 && top[2] !== 0) expect(top[0]).toBeLessThan(top[2]);
  });

  it('a truncated message file: the same quotes up to the cut line, then an error at its offset', () => {
    const full = drain(openLobsterSource(dataPath(MESSAGES), { instrumentId: 1, orderbookPath: dataPath(ORDERBOOK) })).quotes;
    const bytes = readFileSync(dataPath(MESSAGES));
    const cut = 20_000;
    const lineStart = bytes.lastIndexOf(0x0a, cut) + 1;
    const line = bytes.subarray(0, lineStart).toString('latin1').split('\n').length;
    const file = path.join(dir, path.basename(MESSAGES));
    writeFileSync(file, bytes.subarray(0, cut));
    const { quotes, error } = drain(openLobsterSource(file, { instrumentId: 1, orderbookPath: dataPath(ORDERBOOK) }));
    expect(error).toBeInstanceOf(ReplayInputError);
    expect((error as ReplayInputError).file).toBe(file);
    expect((error as ReplayInputError).offset).toBe(lineStart);
    expect((error as ReplayInputError).message).toContain(`line ${line}:`);
    expect(quotes).toEqual(full.filter((quote) => quote.message < line - 1));
  });

  it("an orderbook file that is not the message file's is an error at the first message it cannot hold, after the quotes before it", () => {
    // The same day's rows, but 50 messages later: the first rows still share levels with the messages' prices.
    const orderbook = path.join(dir, 'later_orderbook.csv');
    writeFileSync(orderbook, `${rows.slice(50).join('\n')}\n${rows.slice(0, 50).join('\n')}\n`);
    const { quotes, error } = drain(openLobsterSource(dataPath(MESSAGES), { instrumentId: 1, orderbookPath: orderbook }));
    expect(error).toBeInstanceOf(ReplayInputError);
    const failure = error as ReplayInputError;
    expect(failure.file).toBe(dataPath(MESSAGES));
    const line = Number(/^.*: line (\d+): /.exec(failure.message)?.[1]);
    expect(failure.message).toMatch(
      /of a (buy|sell) order at price \d+ lies inside the (bid|ask) levels the orderbook shows, yet is a level of neither row \d+ nor row \d+ \(.*lines of later_orderbook\.csv\).*check that it is this message file's, or replay from the messages alone with --orderbook none/,
    );
    expect(failure.offset).toBe(messages.slice(0, line - 1).reduce((bytes, text) => bytes + text.length + 1, 0));
    expect(line).toBeGreaterThan(1);
    expect(quotes.every((quote) => quote.message < line - 1)).toBe(true);
  });

  it('an orderbook file shorter than the message file is an error at its end', () => {
    const bytes = readFileSync(dataPath(ORDERBOOK));
    const tenRows = bytes.subarray(0, bytes.indexOf(rows[10]));
    const orderbook = path.join(dir, 'short_orderbook.csv');
    writeFileSync(orderbook, tenRows);
    const { quotes, error } = drain(openLobsterSource(dataPath(MESSAGES), { instrumentId: 1, orderbookPath: orderbook }));
    expect(error).toBeInstanceOf(ReplayInputError);
    expect((error as ReplayInputError).file).toBe(orderbook);
    expect((error as ReplayInputError).offset).toBe(tenRows.length);
    expect((error as ReplayInputError).message).toMatch(/ends after 10 rows but the message file goes on \(line 11\): .*--orderbook none$/);
    expect(quotes.every((quote) => quote.message < 10)).toBe(true);
  });
});

describe('messages deeper than the orderbook file shows (legitimate LOBSTER data)', () => {
  const messages = lobsterLines(readFileSync(dataPath(MESSAGES), 'latin1'));
  const rows = lobsterLines(readFileSync(dataPath(ORDERBOOK), 'latin1'));
  const reference = (): Quote[] => drain(openLobsterSource(dataPath(MESSAGES), { instrumentId: 1, orderbookPath: dataPath(ORDERBOOK) })).quotes;

  it('the sample with its orderbook file cut to 5 levels: no error, the same quotes, the book equal to every row shown, the deeper messages counted', () => {
    // The same message file (its events reach the 10th level), with the rows' first 5 levels.
    const orderbook = path.join(dir, 'AAPL_2012-06-21_34200000_57600000_orderbook_5.csv');
    const fiveLevels = rows.map((row) => row.split(',').slice(0, 20).join(','));
    writeFileSync(orderbook, `${fiveLevels.join('\n')}\n`);
    const source = openLobsterSource(dataPath(MESSAGES), { instrumentId: 1, orderbookPath: orderbook });
    const { quotes, error, differing } = drainComparingLevels(source, 1, fiveLevels, 5);
    expect(error).toBeUndefined();
    expect(quotes.map((quote) => [quote.message, ...quote.top])).toEqual(reference().map((quote) => [quote.message, ...quote.top]));
    expect(differing.slice(0, 3)).toEqual([]);
    // Independently: the add/cancel/delete/execute messages whose price is beyond the 5th level of its side in both rows around it.
    const beyond = (text: string, line: number, price: number, buy: boolean): boolean => {
      const row = parseLobsterBookRow(text, line);
      return buy ? price < row.bidPrices[4] : price > row.askPrices[4];
    };
    const deeper = messages.filter((text, k) => {
      const [, type, , , price, direction] = text.split(',').map(Number);
      return k > 0 && type >= 1 && type <= 4 && beyond(fiveLevels[k - 1], k, price, direction === 1) && beyond(fiveLevels[k], k + 1, price, direction === 1);
    }).length;
    expect(deeper).toBeGreaterThan(50);
    // One delete (line 59) of a sell order resting since before the file, at a level the 5-level rows never showed: skipped as unseen.
    expect(source.eventCounts()).toEqual({ events: 999, rejected: 0, unseen: 1, seeded: true, deeperThanOrderbook: deeper });
  });

  it('messages synthesised below the 10th level (an order added there and deleted later, rows unchanged): no error, the same quotes', () => {
    // After message 300 a buy order rests 1.00 USD below the 10th bid level, and message 600 deletes it;
    // the book's visible levels do not change, so each inserted message's row repeats the row before it.
    const deepBid = parseLobsterBookRow(rows[300], 301).bidPrices[9] - 10_000;
    const time = (k: number): string => messages[k].split(',')[0];
    const withDeep = [...messages.slice(0, 301), `${time(300)},1,999999991,100,${deepBid},1`, ...messages.slice(301, 601), `${time(600)},3,999999991,100,${deepBid},1`, ...messages.slice(601)];
    const withDeepRows = [...rows.slice(0, 301), rows[300], ...rows.slice(301, 601), rows[600], ...rows.slice(601)];
    const messageFile = path.join(dir, 'AAPL_2012-06-21_34200000_57600000_message_10.deep.csv');
    const orderbook = path.join(dir, 'AAPL_2012-06-21_34200000_57600000_orderbook_10.deep.csv');
    writeFileSync(messageFile, `${withDeep.join('\n')}\n`);
    writeFileSync(orderbook, `${withDeepRows.join('\n')}\n`);
    const source = openLobsterSource(messageFile, { instrumentId: 1, orderbookPath: orderbook });
    const { quotes, error, differing } = drainComparingLevels(source, 1, withDeepRows, 9);
    expect(error).toBeUndefined();
    expect(differing.slice(0, 3)).toEqual([]);
    // The same quotes as the sample, each one message later once past the inserted add (two past the delete).
    const shifted = reference().map((quote) => [quote.message + (quote.message > 600 ? 2 : quote.message > 300 ? 1 : 0), ...quote.top]);
    expect(quotes.map((quote) => [quote.message, ...quote.top])).toEqual(shifted);
    expect(source.eventCounts()).toMatchObject({ events: 1001, rejected: 0, unseen: 0, deeperThanOrderbook: 2 });
  });

  it('a price inside the levels both rows show that is a level of neither is a real contradiction: an error naming the line, side, price and the levels shown, and the way through', () => {
    // A delete of a buy order at one of the first 8 bid levels; its price moved between two visible levels.
    const bidLevel = (k: number): number => parseLobsterBookRow(rows[k - 1], k).bidPrices.indexOf(Number(messages[k].split(',')[4]));
    const k = messages.findIndex((text, index) => index > 100 && text.split(',')[1] === '3' && text.split(',')[5] === '1' && bidLevel(index) >= 0 && bidLevel(index) < 8);
    expect(k).toBeGreaterThan(100);
    const [stamp, type, id, size] = messages[k].split(',');
    const before = parseLobsterBookRow(rows[k - 1], k);
    const level = bidLevel(k);
    const inside = before.bidPrices[level + 1] + 1;
    const bent = [...messages];
    bent[k] = [stamp, type, id, size, inside, 1].join(',');
    const messageFile = path.join(dir, 'AAPL_2012-06-21_34200000_57600000_message_10.bent.csv');
    writeFileSync(messageFile, `${bent.join('\n')}\n`);
    const { error } = drain(openLobsterSource(messageFile, { instrumentId: 1, orderbookPath: dataPath(ORDERBOOK) }));
    expect(error).toBeInstanceOf(ReplayInputError);
    const text = (error as ReplayInputError).message;
    expect(text).toContain(`line ${k + 1}: a delete of a buy order at price ${inside} lies inside the bid levels the orderbook shows, yet is a level of neither row ${k} nor row ${k + 1}`);
    expect(text).toContain(`bid levels of row ${k}: ${Array.from(before.bidPrices).join(' ')}`);
    expect(text).toContain('--orderbook none');
    // Without the orderbook file the same messages replay from the messages alone.
    const { error: alone } = drain(openLobsterSource(messageFile, { instrumentId: 1 }));
    expect(alone).toBeUndefined();
  });
});
