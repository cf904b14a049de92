// The JSON form of a record, for tools (`nc … | jq`) and the NDJSON TCP encoding:
//   {"seq":7,"type":"quote","instrument":3,"flags":0,"bid":101.25,"ask":101.26,
//    "bidSize":300,"askSize":500,"publishTimeNs":1234567,"sourceTimeNs":1763923200000000000}
// A trade (type 2) has price, size, side and tradeId instead of bid, ask and their sizes:
//   {"seq":8,"type":"trade","instrument":3,"flags":0,"price":101.26,"size":200,"side":"buy",
//    "tradeId":41,"publishTimeNs":1234890,"sourceTimeNs":1763923200000001000}
// Prices are decimals (the fixed-point value divided by PRICE_SCALE); every other field
// is the integer of the binary record. Converting a record to JSON and back is exact for
// every record whose 64-bit fields are exact Numbers (see record-layout.ts) and whose
// prices are within ±JSON_EXACT_PRICE_LIMIT currency units; beyond that a JSON price
// (a double) can come back one 1e-8 unit off.
import type { MarketDataRecord, RecordFields } from './market-data-record.ts';
import { MAX_RECORD_JSON_LENGTH, writeRecordJson } from './record-json-writer.ts';
import {
  AggressorSide,
  MAX_U16,
  MAX_U32,
  PRICE_SCALE,
  RecordType,
  aggressorSideName,
  recordTypeName,
  type AggressorSideName,
  type RecordTypeName,
} from './record-layout.ts';

export class RecordFormatError extends Error {
  override readonly name = 'RecordFormatError';
}

const TWO_POW_63 = 9_223_372_036_854_775_808;
/** Currency units below which decimal JSON prices convert back to the exact fixed-point value. */
export const JSON_EXACT_PRICE_LIMIT = 20_000_000;
const TWO_POW_64 = 18_446_744_073_709_551_616;

interface RecordJsonHeader {
  seq: number;
  type: string;
  instrument: number;
  flags: number;
}
interface RecordJsonTimes {
  publishTimeNs: number;
  sourceTimeNs: number;
}
/** A quote's JSON form as an object (what JSON.parse makes of its line). */
export interface QuoteJson extends RecordJsonHeader, RecordJsonTimes {
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
}
/** A trade's JSON form as an object. */
export interface TradeJson extends RecordJsonHeader, RecordJsonTimes {
  type: 'trade';
  price: number;
  size: number;
  side: AggressorSideName;
  tradeId: number;
}
export type RecordJson = QuoteJson | TradeJson;

/** The record's JSON form as an object: the reference the byte writer is tested against. */
export function recordToJsonObject(record: MarketDataRecord): RecordJson {
  const header = { seq: record.sequence, type: recordTypeName(record.type), instrument: record.instrumentId, flags: record.flags };
  const times = { publishTimeNs: record.publishTimeNs, sourceTimeNs: record.sourceTimeNs };
  if (record.type === RecordType.trade) {
    return {
      ...header,
      type: 'trade',
      price: record.tradePrice / PRICE_SCALE,
      size: record.tradeSize,
      side: aggressorSideName(record.aggressorSide),
      tradeId: record.tradeId,
      ...times,
    };
  }
  return {
    ...header,
    bid: record.bidPrice / PRICE_SCALE,
    ask: record.askPrice / PRICE_SCALE,
    bidSize: record.bidSize,
    askSize: record.askSize,
    ...times,
  };
}

const scratch = Buffer.allocUnsafe(MAX_RECORD_JSON_LENGTH);

/** One JSON object, no trailing newline (the feed writes bytes directly: record-json-writer.ts). */
export function recordToJson(record: MarketDataRecord): string {
  return scratch.toString('latin1', 0, writeRecordJson(record, scratch, 0));
}

/** Parses one JSON object into record fields, or throws RecordFormatError naming the bad field. */
export function parseRecordJson(text: string): RecordFields {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RecordFormatError(`not JSON: ${(error as Error).message}`);
  }
  return recordFieldsFromJson(value);
}

export function recordFieldsFromJson(value: unknown): RecordFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RecordFormatError('a record must be a JSON object');
  }
  const object = value as Record<string, unknown>;
  const typeName = object.type;
  if (typeof typeName !== 'string' || !Object.hasOwn(RecordType, typeName)) {
    throw new RecordFormatError(`field "type" must be one of ${Object.keys(RecordType).join(', ')}`);
  }
  const type = RecordType[typeName as RecordTypeName];
  const header = {
    sequence: integerField(object, 'seq', 0, TWO_POW_64),
    publishTimeNs: integerField(object, 'publishTimeNs', 0, TWO_POW_64),
    sourceTimeNs: integerField(object, 'sourceTimeNs', 0, TWO_POW_64),
    instrumentId: integerField(object, 'instrument', 0, MAX_U32 + 1),
    type,
    flags: integerField(object, 'flags', 0, MAX_U16 + 1),
  };
  if (type === RecordType.trade) {
    // The trade's fields in the words they share with a quote (record-layout.ts).
    return {
      ...header,
      bidPrice: priceField(object, 'price'),
      askPrice: integerField(object, 'tradeId', 0, TWO_POW_64),
      bidSize: integerField(object, 'size', 0, MAX_U32 + 1),
      askSize: sideField(object),
    };
  }
  return {
    ...header,
    bidPrice: priceField(object, 'bid'),
    askPrice: priceField(object, 'ask'),
    bidSize: integerField(object, 'bidSize', 0, MAX_U32 + 1),
    askSize: integerField(object, 'askSize', 0, MAX_U32 + 1),
  };
}

function sideField(object: Record<string, unknown>): number {
  const value = object.side;
  if (typeof value !== 'string' || !Object.hasOwn(AggressorSide, value)) {
    throw new RecordFormatError(`field "side" must be one of ${Object.keys(AggressorSide).join(', ')}`);
  }
  return AggressorSide[value as AggressorSideName];
}

/** An integer in [min, limit). */
function integerField(object: Record<string, unknown>, name: string, min: number, limit: number): number {
  const value = object[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value >= limit) {
    throw new RecordFormatError(`field "${name}" must be an integer in [${min}, ${limit})`);
  }
  return value;
}

function priceField(object: Record<string, unknown>, name: string): number {
  const value = object[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RecordFormatError(`field "${name}" must be a finite number`);
  }
  const units = Math.round(value * PRICE_SCALE);
  if (units < -TWO_POW_63 || units >= TWO_POW_63) {
    throw new RecordFormatError(`field "${name}" is out of the 64-bit fixed-point range`);
  }
  // -0 (from "-0" or a tiny negative price) is 0: a fixed-point integer has no negative zero.
  return units === 0 ? 0 : units;
}
