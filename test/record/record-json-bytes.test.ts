// The NDJSON feed's byte codec: writeRecordJson (every record → its JSON line, as bytes)
// and CanonicalRecordJsonReader (the fast path back). The general path — JSON.parse and
// recordFieldsFromJson — is the reference both are checked against.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { CanonicalRecordJsonReader } from '../../runtime/record/record-json-reader.ts';
import { MAX_RECORD_JSON_LENGTH, writeRecordJson } from '../../runtime/record/record-json-writer.ts';
import { JSON_EXACT_PRICE_LIMIT, RecordFormatError, recordFieldsFromJson, recordToJson, recordToJsonObject } from '../../runtime/record/record-json.ts';
import { PRICE_SCALE, RECORD_WORDS, Word } from '../../runtime/record/record-layout.ts';

const anyWords = fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: RECORD_WORDS, maxLength: RECORD_WORDS });
/** Records of type quote (the only named type) with any other bits. */
const quoteWords = anyWords.map((words) => {
  words[Word.typeAndFlags] = (words[Word.typeAndFlags] & ~0xffff) | 1;
  return words;
});
/** Trade records (type 2) with a side of 0, 1 or 2 and any other bits. */
const tradeWords = fc.tuple(anyWords, fc.integer({ min: 0, max: 2 })).map(([words, side]) => {
  words[Word.typeAndFlags] = (words[Word.typeAndFlags] & ~0xffff) | 2;
  words[Word.askSize] = side;
  return words;
});
const ENCODED = Buffer.alloc(MAX_RECORD_JSON_LENGTH);
// endOnFailure: a counterexample is reported as found; shrinking these 16-word records and
// edited lines through vitest's deep equality can take longer than CI allows.

function recordOf(words: number[]): MarketDataRecord {
  return new MarketDataRecord(Int32Array.from(words), 0);
}

function encoded(record: MarketDataRecord): Buffer {
  return ENCODED.subarray(0, writeRecordJson(record, ENCODED, 0));
}

/** What the general path makes of a line: the field values, or the error. */
function generalPath(line: string): ReturnType<typeof recordFieldsFromJson> | RecordFormatError | SyntaxError {
  try {
    return recordFieldsFromJson(JSON.parse(line));
  } catch (error) {
    if (error instanceof RecordFormatError || error instanceof SyntaxError) return error;
    throw error;
  }
}

describe('writeRecordJson', () => {
  it('writes JSON whose every value is the Number the record getter returns, for any record', () => {
    fc.assert(
      fc.property(anyWords, (words) => {
        const record = recordOf(words);
        const bytes = encoded(record);
        expect(bytes.length).toBeLessThanOrEqual(MAX_RECORD_JSON_LENGTH - 1);
        expect(bytes.every((byte) => byte >= 0x20 && byte < 0x7f)).toBe(true);
        const json = JSON.parse(bytes.toString('latin1')) as Record<string, unknown>;
        expect(json).toEqual(recordToJsonObject(record));
        expect(recordToJson(record)).toBe(bytes.toString('latin1'));
      }),
      { numRuns: 20_000, endOnFailure: true },
    );
  });

  it('writes prices as plain decimals with at most 8 places and 64-bit integers digit for digit', () => {
    const record = new MarketDataRecord();
    record.setQuote(2 ** 53 + 2, 18_446_744_073_709_549_568, 7, 1, 3, 10_125_000_000, -1, 0, 4_294_967_295);
    record.sequence = 0;
    expect(recordToJson(record)).toBe(
      '{"seq":0,"type":"quote","instrument":7,"flags":3,"bid":101.25,"ask":-0.00000001,"bidSize":0,"askSize":4294967295,' +
        '"publishTimeNs":9007199254740994,"sourceTimeNs":18446744073709549568}',
    );
  });
});

describe('CanonicalRecordJsonReader', () => {
  const reader = new CanonicalRecordJsonReader();

  it('reads back every quote and trade the writer wrote, word for word (reserved words become 0)', () => {
    fc.assert(
      fc.property(fc.oneof(quoteWords, tradeWords), (words) => {
        const original = recordOf(words);
        const bytes = encoded(original);
        const read = new MarketDataRecord();
        const end = reader.read(bytes, 0, bytes.length, read);
        // A trade's second price word is its trade id, a u64 the reader always takes.
        const prices = original.type === 2 ? [original.tradePrice] : [original.bidPrice, original.askPrice];
        const hugePrice = prices.some((price) => Math.abs(price) > Number.MAX_SAFE_INTEGER);
        if (hugePrice) {
          // Beyond 2^53 units the writer uses the Number's own text; the general path takes it.
          if (end === -1) return;
        }
        expect(end).toBe(bytes.length);
        const expected = Int32Array.from(words);
        expected[Word.reservedLo] = 0;
        expected[Word.reservedHi] = 0;
        expect([...read.words]).toEqual([...expected]);
      }),
      { numRuns: 20_000, endOnFailure: true },
    );
  });

  // Two known differences, where the general path (Numbers) is the inexact one: it rejects
  // 64-bit values within 2^11 of 2^64 (JSON.parse rounds them up to 2^64), so lines keep
  // those fields below 2^63; and past JSON_EXACT_PRICE_LIMIT its prices may be one unit off.
  it('accepts a line only when the general path accepts it too, with the same values', () => {
    const limit = JSON_EXACT_PRICE_LIMIT * PRICE_SCALE;
    const line = fc
      .tuple(quoteWords, fc.integer({ min: -limit, max: limit }), fc.integer({ min: -limit, max: limit }))
      .map(([words, bid, ask]) => {
        for (const high of [Word.sequenceHi, Word.publishTimeHi, Word.sourceTimeHi]) words[high] &= 0x7fff_ffff;
        const record = recordOf(words);
        record.bidPrice = bid;
        record.askPrice = ask;
        return encoded(record).toString('latin1');
      });
    // Edits a canonical line: the fast path must either decline it or agree with JSON.parse.
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.constantFrom('0', '9', '-', '.', 'e', ' ', '"', ',', '}', '00', '1e3', 'x') }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('0', ' ', '-', '.5', 'e2', '"', '123456789012345678901') }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), text: fc.constant('') }),
    );
    fc.assert(
      fc.property(line, fc.array(edit, { maxLength: 3 }), (text, edits) => {
        let mutated = text;
        for (const { kind, at, text: piece } of edits) {
          const i = at % (mutated.length + 1);
          mutated = mutated.slice(0, i) + piece + mutated.slice(kind === 'insert' ? i : i + 1);
        }
        const bytes = Buffer.from(mutated, 'latin1');
        const read = new MarketDataRecord();
        const end = reader.read(bytes, 0, bytes.length, read);
        if (end === -1 || end !== bytes.length) return;
        const general = generalPath(mutated);
        if (general instanceof Error) throw new Error(`the fast path took a line the general path refuses: ${mutated}: ${general.message}`);
        const fast = read.toFields();
        for (const price of ['bidPrice', 'askPrice'] as const) {
          if (Math.abs(fast[price]) > limit && Math.abs(fast[price] - general[price]) <= 1) general[price] = fast[price];
        }
        expect(fast, mutated).toEqual(general);
      }),
      { numRuns: 30_000, endOnFailure: true },
    );
  });

  it.each([
    ['a leading zero', '{"seq":07,"type":"quote","instrument":1,"flags":0,"bid":1,"ask":2,"bidSize":1,"askSize":1,"publishTimeNs":1,"sourceTimeNs":1}'],
    ['an exponent', '{"seq":7,"type":"quote","instrument":1,"flags":0,"bid":1e2,"ask":2,"bidSize":1,"askSize":1,"publishTimeNs":1,"sourceTimeNs":1}'],
    ['9 decimals', '{"seq":7,"type":"quote","instrument":1,"flags":0,"bid":1.000000001,"ask":2,"bidSize":1,"askSize":1,"publishTimeNs":1,"sourceTimeNs":1}'],
    ['a space', '{"seq":7, "type":"quote","instrument":1,"flags":0,"bid":1,"ask":2,"bidSize":1,"askSize":1,"publishTimeNs":1,"sourceTimeNs":1}'],
    ['another order', '{"type":"quote","seq":7,"instrument":1,"flags":0,"bid":1,"ask":2,"bidSize":1,"askSize":1,"publishTimeNs":1,"sourceTimeNs":1}'],
    ['an unknown type', '{"seq":7,"type":"fill","instrument":1,"flags":0,"bid":1,"ask":2,"bidSize":1,"askSize":1,"publishTimeNs":1,"sourceTimeNs":1}'],
    ['flags past 16 bits', '{"seq":7,"type":"quote","instrument":1,"flags":65536,"bid":1,"ask":2,"bidSize":1,"askSize":1,"publishTimeNs":1,"sourceTimeNs":1}'],
    ['a sequence of 2^64', '{"seq":18446744073709551616,"type":"quote","instrument":1,"flags":0,"bid":1,"ask":2,"bidSize":1,"askSize":1,"publishTimeNs":1,"sourceTimeNs":1}'],
    ['a line cut short', '{"seq":7,"type":"quote","instrument":1,"flags":0,"bid":1,"ask":2,"bidSize":1,"askSize":1,"publishTimeNs":1,"sourceTime'],
    ['a hello', '{"hello":{"protocol":1}}'],
  ])('declines %s (left to the general path)', (_name, text) => {
    const bytes = Buffer.from(text, 'latin1');
    expect(reader.read(bytes, 0, bytes.length, new MarketDataRecord())).toBe(-1);
  });

  it('agrees with the general path on every trade line', () => {
    const limit = JSON_EXACT_PRICE_LIMIT * PRICE_SCALE;
    fc.assert(
      fc.property(tradeWords, fc.integer({ min: -limit, max: limit }), (words, price) => {
        for (const high of [Word.sequenceHi, Word.publishTimeHi, Word.sourceTimeHi, Word.askPriceHi]) words[high] &= 0x1f_ffff;
        const record = recordOf(words);
        record.bidPrice = price;
        const bytes = encoded(record);
        const read = new MarketDataRecord();
        expect(reader.read(bytes, 0, bytes.length, read)).toBe(bytes.length);
        expect(read.toFields()).toEqual(recordFieldsFromJson(JSON.parse(bytes.toString('latin1'))));
      }),
      { numRuns: 5_000, endOnFailure: true },
    );
  });

  it.each([
    ['an unknown side', '{"seq":7,"type":"trade","instrument":1,"flags":0,"price":1,"size":1,"side":"bid","tradeId":1,"publishTimeNs":1,"sourceTimeNs":1}'],
    ['quote fields in a trade', '{"seq":7,"type":"trade","instrument":1,"flags":0,"bid":1,"ask":2,"bidSize":1,"askSize":1,"publishTimeNs":1,"sourceTimeNs":1}'],
    ['trade fields in a quote', '{"seq":7,"type":"quote","instrument":1,"flags":0,"price":1,"size":1,"side":"buy","tradeId":1,"publishTimeNs":1,"sourceTimeNs":1}'],
  ])('declines a trade line with %s', (_name, text) => {
    const bytes = Buffer.from(text, 'latin1');
    expect(reader.read(bytes, 0, bytes.length, new MarketDataRecord())).toBe(-1);
  });

  it('reads 2^64 − 1 and a wall-clock nanosecond time exactly', () => {
    const text =
      '{"seq":18446744073709551615,"type":"quote","instrument":4294967295,"flags":65535,"bid":-90071992.54740991,"ask":0.00000001,' +
      '"bidSize":4294967295,"askSize":0,"publishTimeNs":9007199254740993,"sourceTimeNs":1795573996811123457}';
    const bytes = Buffer.from(text, 'latin1');
    const record = new MarketDataRecord();
    expect(reader.read(bytes, 0, bytes.length, record)).toBe(bytes.length);
    const view = Buffer.from(record.words.buffer);
    expect(view.readBigUInt64LE(0)).toBe(18_446_744_073_709_551_615n);
    expect(view.readBigUInt64LE(8)).toBe(9_007_199_254_740_993n);
    expect(view.readBigUInt64LE(16)).toBe(1_795_573_996_811_123_457n);
    expect(view.readBigInt64LE(32)).toBe(-9_007_199_254_740_991n);
    expect(record.askPrice).toBe(1);
    expect(recordToJson(record)).toBe(text);
  });
});
