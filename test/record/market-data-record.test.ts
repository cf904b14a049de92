import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { Offset, PRICE_SCALE, RECORD_SIZE, RECORD_WORDS, Word } from '../../runtime/record/record-layout.ts';
import { JSON_EXACT_PRICE_LIMIT, parseRecordJson, RecordFormatError, recordToJson } from '../../runtime/record/record-json.ts';
import { arbitraryRecordFields } from '../helpers/records.ts';

describe('record layout', () => {
  it('is one 64-byte cache line of 16 words', () => {
    expect(RECORD_SIZE).toBe(64);
    expect(RECORD_WORDS).toBe(16);
  });

  it('puts every field at its documented offset, naturally aligned, without overlap', () => {
    const sizes: Record<keyof typeof Offset, number> = {
      sequence: 8, publishTimeNs: 8, sourceTimeNs: 8, instrumentId: 4, type: 2, flags: 2,
      bidPrice: 8, askPrice: 8, bidSize: 4, askSize: 4, reserved: 8,
    };
    const covered = new Array<number>(64).fill(0);
    for (const [field, offset] of Object.entries(Offset)) {
      const size = sizes[field as keyof typeof Offset];
      expect(offset % size, `${field} alignment`).toBe(0);
      for (let b = offset; b < offset + size; b++) covered[b]++;
    }
    expect(covered.every((count) => count === 1)).toBe(true);
    expect(Word.bidPriceLo * 4).toBe(Offset.bidPrice);
    expect(Word.typeAndFlags * 4).toBe(Offset.type);
  });

  it('writes little-endian bytes that a DataView reads back at the documented offsets', () => {
    fc.assert(
      fc.property(arbitraryRecordFields, (fields) => {
        const record = new MarketDataRecord().setFields(fields);
        const view = new DataView(record.words.buffer);
        expect(Number(view.getBigUint64(Offset.sequence, true))).toBe(fields.sequence);
        expect(Number(view.getBigUint64(Offset.publishTimeNs, true))).toBe(fields.publishTimeNs);
        expect(Number(view.getBigUint64(Offset.sourceTimeNs, true))).toBe(fields.sourceTimeNs);
        expect(view.getUint32(Offset.instrumentId, true)).toBe(fields.instrumentId);
        expect(view.getUint16(Offset.type, true)).toBe(fields.type);
        expect(view.getUint16(Offset.flags, true)).toBe(fields.flags);
        expect(Number(view.getBigInt64(Offset.bidPrice, true))).toBe(fields.bidPrice);
        expect(Number(view.getBigInt64(Offset.askPrice, true))).toBe(fields.askPrice);
        expect(view.getUint32(Offset.bidSize, true)).toBe(fields.bidSize);
        expect(view.getUint32(Offset.askSize, true)).toBe(fields.askSize);
        expect(view.getBigUint64(Offset.reserved, true)).toBe(0n);
      }),
    );
  });

  it('round-trips arbitrary records through the binary form', () => {
    fc.assert(
      fc.property(arbitraryRecordFields, (fields) => {
        expect(new MarketDataRecord().setFields(fields).toFields()).toEqual(fields);
      }),
    );
  });

  it('reads a record in place at any slot of a larger buffer', () => {
    fc.assert(
      fc.property(arbitraryRecordFields, fc.integer({ min: 0, max: 7 }), (fields, slot) => {
        const words = new Int32Array(8 * RECORD_WORDS);
        new MarketDataRecord(words, slot * RECORD_WORDS).setFields(fields);
        const copy = new MarketDataRecord();
        new MarketDataRecord(words, slot * RECORD_WORDS).copyTo(copy);
        expect(copy.toFields()).toEqual(fields);
      }),
    );
  });
});

describe('record JSON', () => {
  it('round-trips arbitrary records exactly (prices within the documented exact range)', () => {
    const limit = JSON_EXACT_PRICE_LIMIT * PRICE_SCALE;
    const price = fc.integer({ min: -limit, max: limit });
    fc.assert(
      fc.property(arbitraryRecordFields, price, price, (anyFields, bidPrice, askPrice) => {
        const fields = { ...anyFields, bidPrice, askPrice };
        const json = recordToJson(new MarketDataRecord().setFields(fields));
        expect(parseRecordJson(json)).toEqual(fields);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips arbitrary trades exactly through the binary and the JSON form', () => {
    const limit = JSON_EXACT_PRICE_LIMIT * PRICE_SCALE;
    const trade = fc.record({
      header: arbitraryRecordFields,
      price: fc.integer({ min: -limit, max: limit }),
      size: fc.integer({ min: 0, max: 0xffff_ffff }),
      side: fc.constantFrom(0, 1, 2),
      tradeId: fc.maxSafeNat(),
    });
    fc.assert(
      fc.property(trade, ({ header, price, size, side, tradeId }) => {
        const record = new MarketDataRecord();
        record.setTrade(header.publishTimeNs, header.sourceTimeNs, header.instrumentId, header.flags, price, size, side, tradeId);
        record.sequence = header.sequence;
        expect([record.type, record.tradePrice, record.tradeSize, record.aggressorSide, record.tradeId]).toEqual([2, price, size, side, tradeId]);
        const back = new MarketDataRecord().setFields(parseRecordJson(recordToJson(record)));
        expect([...back.words]).toEqual([...record.words]);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a trade as price, size, aggressor side and trade id', () => {
    const record = new MarketDataRecord();
    record.setTrade(1234890, 1_763_923_200_000_000_000, 3, 0, 101.26 * PRICE_SCALE, 200, 1, 41);
    record.sequence = 8;
    expect(recordToJson(record)).toBe(
      '{"seq":8,"type":"trade","instrument":3,"flags":0,"price":101.26,"size":200,"side":"buy","tradeId":41,' +
        '"publishTimeNs":1234890,"sourceTimeNs":1763923200000000000}',
    );
  });

  it('agrees with the binary form field by field, prices as decimals', () => {
    const record = new MarketDataRecord().setFields({
      sequence: 7, publishTimeNs: 1234567, sourceTimeNs: 1_763_923_200_000_000_000, instrumentId: 3, type: 1, flags: 0,
      bidPrice: 101.25 * PRICE_SCALE, askPrice: 101.26 * PRICE_SCALE, bidSize: 300, askSize: 500,
    });
    expect(JSON.parse(recordToJson(record))).toEqual({
      seq: 7, type: 'quote', instrument: 3, flags: 0, bid: 101.25, ask: 101.26, bidSize: 300, askSize: 500,
      publishTimeNs: 1234567, sourceTimeNs: 1_763_923_200_000_000_000,
    });
  });

  it.each([
    ['not json', /not JSON/],
    ['[1,2]', /must be a JSON object/],
    ['{"type":"fill"}', /"type" must be one of quote, trade/],
    ['{"type":"trade","seq":1,"publishTimeNs":1,"sourceTimeNs":1,"instrument":1,"flags":0,"price":1,"tradeId":1,"size":1,"side":"bid"}', /"side" must be one of unknown, buy, sell/],
    ['{"type":"trade","seq":1,"publishTimeNs":1,"sourceTimeNs":1,"instrument":1,"flags":0,"bid":1}', /"price" must be a finite number/],
    ['{"type":"quote","seq":-1}', /"seq" must be an integer/],
    ['{"type":"quote","seq":1.5}', /"seq" must be an integer/],
    ['{"type":"quote","seq":1,"publishTimeNs":1,"sourceTimeNs":1,"instrument":4294967296}', /"instrument" must be an integer/],
    ['{"type":"quote","seq":1,"publishTimeNs":1,"sourceTimeNs":1,"instrument":1,"flags":0,"bid":"1"}', /"bid" must be a finite number/],
  ])('rejects %s with a RecordFormatError naming the problem', (text, message) => {
    expect(() => parseRecordJson(text)).toThrow(RecordFormatError);
    expect(() => parseRecordJson(text)).toThrow(message);
  });
});
