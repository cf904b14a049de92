// The 64-byte market-data record: one cache line, little-endian, the same bytes in the
// shared-memory ring and on the TCP binary stream.
//
//  byte  word  field            type   meaning
//     0     0  sequence         u64    publisher's sequence number, from 0, +1 per record
//     8     2  publishTimeNs    u64    CLOCK_MONOTONIC ns when the publisher wrote the record
//    16     4  sourceTimeNs     u64    wall-clock ns since the epoch of the source event
//    24     6  instrumentId     u32
//    28     7  type             u16    1 = quote, 2 = trade
//    30        flags            u16    bit 0 snapshot, bit 1 replayed
//    32     8  bidPrice         i64    fixed point, PRICE_SCALE units per currency unit
//    40    10  askPrice         i64
//    48    12  bidSize          u32
//    52    13  askSize          u32
//    56    14  reserved         u64    zero
//
// A trade (type 2) keeps bytes 0-31 and gives bytes 32-55 other meanings, so that every
// transport, ring and decoder carries it unchanged:
//    32     8  price            i64    the trade price, fixed point (where a quote has bidPrice)
//    40    10  tradeId          u64    the venue's trade number, from 1 (askPrice)
//    48    12  size             u32    traded quantity (bidSize)
//    52    13  aggressorSide    u32    side of the incoming order: 1 buy, 2 sell, 0 unknown (askSize; FIX Side)
//
// 64-bit integers are handed to JavaScript as Numbers: exact up to 2^53 (sequence numbers
// for 28 years at 10 M/s, monotonic ns for 104 days of uptime, prices up to ±90,071,992
// currency units); above that a Number keeps 53 significant bits.

export const RECORD_SIZE = 64;
export const RECORD_WORDS = RECORD_SIZE / 4;

/** Prices are integers of 1e-8 currency units: 101.25 is 10_125_000_000. */
export const PRICE_SCALE = 100_000_000;

/** Int32 word index of each field inside a record. */
export const Word = {
  sequenceLo: 0,
  sequenceHi: 1,
  publishTimeLo: 2,
  publishTimeHi: 3,
  sourceTimeLo: 4,
  sourceTimeHi: 5,
  instrumentId: 6,
  typeAndFlags: 7,
  bidPriceLo: 8,
  bidPriceHi: 9,
  askPriceLo: 10,
  askPriceHi: 11,
  bidSize: 12,
  askSize: 13,
  reservedLo: 14,
  reservedHi: 15,
} as const;

/** Byte offset of each field, for DataView users and the layout documentation. */
export const Offset = {
  sequence: 0,
  publishTimeNs: 8,
  sourceTimeNs: 16,
  instrumentId: 24,
  type: 28,
  flags: 30,
  bidPrice: 32,
  askPrice: 40,
  bidSize: 48,
  askSize: 52,
  reserved: 56,
} as const;

export const RecordType = {
  quote: 1,
  trade: 2,
} as const;
export type RecordTypeName = keyof typeof RecordType;

const typeNames = new Map<number, string>(Object.entries(RecordType).map(([name, code]) => [code, name]));

/** The type's name in the JSON form ("quote"), or type-N for a code without one. */
export function recordTypeName(type: number): string {
  return typeNames.get(type) ?? `type-${type}`;
}

/** A trade's aggressor side (FIX Side 54 values; 0 when the source does not say). */
export const AggressorSide = {
  unknown: 0,
  buy: 1,
  sell: 2,
} as const;
export type AggressorSideName = keyof typeof AggressorSide;

/** The side's name in the JSON form: buy, sell, or unknown for any other value. */
export function aggressorSideName(side: number): AggressorSideName {
  return side === AggressorSide.buy ? 'buy' : side === AggressorSide.sell ? 'sell' : 'unknown';
}

export const RecordFlag = {
  snapshot: 1,
  replayed: 2,
} as const;

export const MAX_U32 = 0xffff_ffff;
export const MAX_U16 = 0xffff;
export const TWO_POW_32 = 4_294_967_296;
