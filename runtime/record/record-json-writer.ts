// Writes the JSON form of a record (record-json.ts) as ASCII bytes straight into a buffer:
// no intermediate strings, so the NDJSON feed costs a few hundred ns a record instead of
// the ~1 µs of a template string plus flattening it for the socket (measured).
//
// 64-bit fields are written from their two 32-bit words: values below 2^53 through
// exact double arithmetic, larger ones (wall-clock ns) digit-exact through 16-bit limbs.
// Either way JSON.parse gives back the same Number as the record's getter. Prices are the
// exact decimal of units / PRICE_SCALE (trailing zeros dropped), which parses to the same
// double as that division; beyond ±2^53 units the Number's own text is used.
import type { MarketDataRecord } from './market-data-record.ts';
import { AggressorSide, PRICE_SCALE, RecordType, TWO_POW_32, Word, aggressorSideName, recordTypeName } from './record-layout.ts';

/** No record's JSON line (with its newline) is longer than this. */
export const MAX_RECORD_JSON_LENGTH = 320;

/** The fixed text between the values of the canonical form, which the reader matches too. */
export const JsonPart = {
  seq: ascii('{"seq":'),
  type: ascii(',"type":"'),
  instrument: ascii('","instrument":'),
  flags: ascii(',"flags":'),
  bid: ascii(',"bid":'),
  ask: ascii(',"ask":'),
  bidSize: ascii(',"bidSize":'),
  askSize: ascii(',"askSize":'),
  price: ascii(',"price":'),
  size: ascii(',"size":'),
  side: ascii(',"side":"'),
  tradeId: ascii('","tradeId":'),
  publishTime: ascii(',"publishTimeNs":'),
  sourceTime: ascii(',"sourceTimeNs":'),
  close: ascii('}'),
} as const;

const ZERO = 48;
const MINUS = 45;
const DOT = 46;
/** Words of 64-bit values below 2^53 have a high word below this. */
export const SAFE_HIGH_WORD = 0x20_0000;
const typeNameBytes = new Map<number, Uint8Array>();
/** A trade's side names by code (0 unknown, 1 buy, 2 sell). */
export const SIDE_NAME_BYTES = [AggressorSide.unknown, AggressorSide.buy, AggressorSide.sell].map((side) => ascii(aggressorSideName(side)));
const limbGroups = new Int32Array(5);

/** Writes the record's JSON object (no newline) at pos; returns the position after it. */
export function writeRecordJson(record: MarketDataRecord, out: Uint8Array, pos: number): number {
  const w = record.words;
  const b = record.base;
  const typeAndFlags = w[b + Word.typeAndFlags];
  pos = literal(out, pos, JsonPart.seq);
  pos = writeU64(out, pos, w[b + Word.sequenceLo] >>> 0, w[b + Word.sequenceHi] >>> 0);
  pos = literal(out, pos, JsonPart.type);
  pos = literal(out, pos, typeName(typeAndFlags & 0xffff));
  pos = literal(out, pos, JsonPart.instrument);
  pos = writeSafeInteger(out, pos, w[b + Word.instrumentId] >>> 0);
  pos = literal(out, pos, JsonPart.flags);
  pos = writeSafeInteger(out, pos, typeAndFlags >>> 16);
  if ((typeAndFlags & 0xffff) === RecordType.trade) {
    pos = literal(out, pos, JsonPart.price);
    pos = writePrice(out, pos, w[b + Word.bidPriceLo] >>> 0, w[b + Word.bidPriceHi]);
    pos = literal(out, pos, JsonPart.size);
    pos = writeSafeInteger(out, pos, w[b + Word.bidSize] >>> 0);
    pos = literal(out, pos, JsonPart.side);
    pos = literal(out, pos, SIDE_NAME_BYTES[w[b + Word.askSize] >>> 0] ?? SIDE_NAME_BYTES[AggressorSide.unknown]);
    pos = literal(out, pos, JsonPart.tradeId);
    pos = writeU64(out, pos, w[b + Word.askPriceLo] >>> 0, w[b + Word.askPriceHi] >>> 0);
  } else {
    pos = literal(out, pos, JsonPart.bid);
    pos = writePrice(out, pos, w[b + Word.bidPriceLo] >>> 0, w[b + Word.bidPriceHi]);
    pos = literal(out, pos, JsonPart.ask);
    pos = writePrice(out, pos, w[b + Word.askPriceLo] >>> 0, w[b + Word.askPriceHi]);
    pos = literal(out, pos, JsonPart.bidSize);
    pos = writeSafeInteger(out, pos, w[b + Word.bidSize] >>> 0);
    pos = literal(out, pos, JsonPart.askSize);
    pos = writeSafeInteger(out, pos, w[b + Word.askSize] >>> 0);
  }
  pos = literal(out, pos, JsonPart.publishTime);
  pos = writeU64(out, pos, w[b + Word.publishTimeLo] >>> 0, w[b + Word.publishTimeHi] >>> 0);
  pos = literal(out, pos, JsonPart.sourceTime);
  pos = writeU64(out, pos, w[b + Word.sourceTimeLo] >>> 0, w[b + Word.sourceTimeHi] >>> 0);
  return literal(out, pos, JsonPart.close);
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function literal(out: Uint8Array, pos: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) out[pos + i] = bytes[i];
  return pos + bytes.length;
}

function typeName(type: number): Uint8Array {
  let bytes = typeNameBytes.get(type);
  if (bytes === undefined) {
    bytes = ascii(recordTypeName(type));
    typeNameBytes.set(type, bytes);
  }
  return bytes;
}

/** "00" to "99": two digits per division. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => ZERO + (i & 1 ? (i >> 1) % 10 : ((i >> 1) / 10) | 0));

function digitCount(value: number): number {
  if (value < 10_000) return value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : 4;
  return value < 100_000 ? 5 : value < 1_000_000 ? 6 : value < 10_000_000 ? 7 : 8;
}

/** An integer in [0, 1e8), without leading zeros. */
function writeSmall(out: Uint8Array, pos: number, value: number): number {
  const end = pos + digitCount(value);
  writeDigitsBackwards(out, end, value | 0, end - pos);
  return end;
}

/** An integer in [0, 10^digits), zero-padded to `digits` digits (at most 8). */
function writePadded(out: Uint8Array, pos: number, value: number, digits: number): number {
  writeDigitsBackwards(out, pos + digits, value | 0, digits);
  return pos + digits;
}

/** Writes the last `digits` digits of n (an int32) so that they end just before `end`. */
function writeDigitsBackwards(out: Uint8Array, end: number, n: number, digits: number): void {
  let p = end;
  let left = digits;
  while (left >= 2) {
    const q = (n / 100) | 0;
    const pair = (n - q * 100) << 1;
    out[--p] = DIGIT_PAIRS[pair + 1];
    out[--p] = DIGIT_PAIRS[pair];
    n = q;
    left -= 2;
  }
  if (left === 1) out[--p] = ZERO + (n % 10);
}

/** An integer in [0, 2^53). Both halves of a split by 1e8 are exact below 2^53. */
function writeSafeInteger(out: Uint8Array, pos: number, value: number): number {
  if (value < 1e8) return writeSmall(out, pos, value);
  const high = Math.floor(value / 1e8);
  pos = writeSafeInteger(out, pos, high);
  return writePadded(out, pos, value - high * 1e8, 8);
}

/** An unsigned 64-bit value given as its two words (each in [0, 2^32)). */
function writeU64(out: Uint8Array, pos: number, lo: number, hi: number): number {
  if (hi < SAFE_HIGH_WORD) return writeSafeInteger(out, pos, hi * TWO_POW_32 + lo);
  // Long division of four 16-bit limbs by 10^4: every intermediate stays below 2^31.
  let l3 = hi >>> 16;
  let l2 = hi & 0xffff;
  let l1 = lo >>> 16;
  let l0 = lo & 0xffff;
  let groups = 0;
  while ((l3 | l2 | l1 | l0) !== 0) {
    let cur = l3;
    l3 = (cur / 10_000) | 0;
    cur = (cur - l3 * 10_000) * 65_536 + l2;
    l2 = (cur / 10_000) | 0;
    cur = (cur - l2 * 10_000) * 65_536 + l1;
    l1 = (cur / 10_000) | 0;
    cur = (cur - l1 * 10_000) * 65_536 + l0;
    l0 = (cur / 10_000) | 0;
    limbGroups[groups++] = cur - l0 * 10_000;
  }
  pos = writeSmall(out, pos, limbGroups[groups - 1]);
  for (let g = groups - 2; g >= 0; g--) pos = writePadded(out, pos, limbGroups[g], 4);
  return pos;
}

/** A signed 64-bit fixed-point price (low word unsigned, high word signed) as a decimal. */
function writePrice(out: Uint8Array, pos: number, lo: number, hi: number): number {
  if (hi >= SAFE_HIGH_WORD || hi < -SAFE_HIGH_WORD) return writeText(out, pos, String((hi * TWO_POW_32 + lo) / PRICE_SCALE));
  let units = hi * TWO_POW_32 + lo;
  if (units < 0) {
    out[pos++] = MINUS;
    units = -units;
  }
  const whole = Math.floor(units / PRICE_SCALE);
  pos = writeSafeInteger(out, pos, whole);
  let fraction = (units - whole * PRICE_SCALE) | 0;
  if (fraction === 0) return pos;
  let digits = 8;
  while (fraction % 10 === 0) {
    fraction = (fraction / 10) | 0;
    digits--;
  }
  out[pos++] = DOT;
  return writePadded(out, pos, fraction, digits);
}

function writeText(out: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[pos + i] = text.charCodeAt(i);
  return pos + text.length;
}
