// Reads a record's JSON line straight from bytes when it is in the canonical form that
// record-json-writer.ts writes (the NDJSON feed's own lines): fields in that order, no
// whitespace, prices with at most 8 decimals and no exponent. It is a fast path only:
// anything else (another order, spaces, a hello line, garbage) returns -1 and the caller
// falls back to JSON.parse and recordFieldsFromJson, which decide what the line is. That
// keeps one judge of validity while a feed line costs ~0.3 µs instead of ~1.5 µs.
//
// 64-bit integers are parsed exactly into the record's two words (through 16-bit limbs
// above 2^53), so binary → JSON → binary is bit-exact on this path; prices are exact
// fixed-point integers (whole × 1e8 + fraction) below 2^53 units.
import type { MarketDataRecord } from './market-data-record.ts';
import { writeU64 } from './market-data-record.ts';
import { JsonPart, SIDE_NAME_BYTES, ascii } from './record-json-writer.ts';
import { MAX_U16, MAX_U32, PRICE_SCALE, RecordType, Word } from './record-layout.ts';

const ZERO = 48;
const NINE = 57;
const MINUS = 45;
const DOT = 46;
const QUOTE = 34;
/** Digits that always fit a double exactly. */
const EXACT_DIGITS = 15;
const MAX_U64_DIGITS = 20;
const PRICE_DECIMALS = 8;
/** Whole currency units below which a price's fixed-point value stays below 2^53. */
const MAX_WHOLE_PRICE = Math.floor(Number.MAX_SAFE_INTEGER / PRICE_SCALE);
const DECIMAL_SCALE = [1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1];
const TYPE_NAMES = Object.entries(RecordType).map(([name, code]) => ({ bytes: ascii(name), code }));

export class CanonicalRecordJsonReader {
  private bytes: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private limit = 0;
  private readonly limbs = new Float64Array(4);

  /**
   * Decodes the JSON object at bytes[start..limit) into the record if it is in canonical
   * form; returns the index just after its closing brace, or -1 (the record is then
   * partly overwritten and must not be used).
   */
  read(bytes: Uint8Array, start: number, limit: number, record: MarketDataRecord): number {
    this.bytes = bytes;
    this.pos = start;
    this.limit = limit;
    const w = record.words;
    const b = record.base;
    if (!this.expect(JsonPart.seq) || !this.u64(w, b + Word.sequenceLo)) return -1;
    if (!this.expect(JsonPart.type)) return -1;
    const type = this.typeCode();
    if (type < 0 || !this.expect(JsonPart.instrument)) return -1;
    const instrument = this.uint(MAX_U32);
    if (instrument < 0 || !this.expect(JsonPart.flags)) return -1;
    const flags = this.uint(MAX_U16);
    if (flags < 0) return -1;
    const sizes = type === RecordType.trade ? this.tradeBody(w, b) : this.quoteBody(w, b);
    if (sizes < 0 || !this.expect(JsonPart.publishTime) || !this.u64(w, b + Word.publishTimeLo)) return -1;
    if (!this.expect(JsonPart.sourceTime) || !this.u64(w, b + Word.sourceTimeLo) || !this.expect(JsonPart.close)) return -1;
    w[b + Word.instrumentId] = instrument | 0;
    w[b + Word.typeAndFlags] = type | (flags << 16);
    w[b + Word.reservedLo] = 0;
    w[b + Word.reservedHi] = 0;
    return this.pos;
  }

  /** A quote's bid, ask and sizes into their words; -1 if not canonical. */
  private quoteBody(w: Int32Array, b: number): number {
    if (!this.expect(JsonPart.bid) || !this.price(w, b + Word.bidPriceLo)) return -1;
    if (!this.expect(JsonPart.ask) || !this.price(w, b + Word.askPriceLo) || !this.expect(JsonPart.bidSize)) return -1;
    const bidSize = this.uint(MAX_U32);
    if (bidSize < 0 || !this.expect(JsonPart.askSize)) return -1;
    const askSize = this.uint(MAX_U32);
    if (askSize < 0) return -1;
    w[b + Word.bidSize] = bidSize | 0;
    w[b + Word.askSize] = askSize | 0;
    return 0;
  }

  /** A trade's price, size, side and id into the words they share with a quote's; -1 if not canonical. */
  private tradeBody(w: Int32Array, b: number): number {
    if (!this.expect(JsonPart.price) || !this.price(w, b + Word.bidPriceLo) || !this.expect(JsonPart.size)) return -1;
    const size = this.uint(MAX_U32);
    if (size < 0 || !this.expect(JsonPart.side)) return -1;
    let side = -1;
    for (let code = 0; code < SIDE_NAME_BYTES.length && side < 0; code++) {
      if (this.expect(SIDE_NAME_BYTES[code])) side = code;
    }
    if (side < 0 || !this.expect(JsonPart.tradeId) || !this.u64(w, b + Word.askPriceLo)) return -1;
    w[b + Word.bidSize] = size | 0;
    w[b + Word.askSize] = side;
    return 0;
  }

  private expect(part: Uint8Array): boolean {
    const bytes = this.bytes;
    const pos = this.pos;
    if (pos + part.length > this.limit) return false;
    for (let i = 0; i < part.length; i++) if (bytes[pos + i] !== part[i]) return false;
    this.pos = pos + part.length;
    return true;
  }

  /** A known type name, up to its closing quote (which the next part holds); its code, or -1. */
  private typeCode(): number {
    for (const { bytes, code } of TYPE_NAMES) {
      const end = this.pos + bytes.length;
      if (end < this.limit && this.bytes[end] === QUOTE && this.matches(bytes)) {
        this.pos = end;
        return code;
      }
    }
    return -1;
  }

  private matches(part: Uint8Array): boolean {
    for (let i = 0; i < part.length; i++) if (this.bytes[this.pos + i] !== part[i]) return false;
    return true;
  }

  /** How many digits start at pos, with JSON's rule against leading zeros; 0 if none or invalid. */
  private digitRun(maxDigits: number): number {
    const bytes = this.bytes;
    const pos = this.pos;
    let end = pos;
    while (end < this.limit && bytes[end] >= ZERO && bytes[end] <= NINE) end++;
    const count = end - pos;
    if (count === 0 || count > maxDigits || (count > 1 && bytes[pos] === ZERO)) return 0;
    return count;
  }

  /** Value of `count` digits at pos (count ≤ 15: exact), advancing past them. */
  private digits(count: number): number {
    const bytes = this.bytes;
    let value = 0;
    for (let i = 0; i < count; i++) value = value * 10 + (bytes[this.pos + i] - ZERO);
    this.pos += count;
    return value;
  }

  /** An unsigned integer up to max; -1 if absent, malformed or too large. */
  private uint(max: number): number {
    const count = this.digitRun(EXACT_DIGITS);
    if (count === 0) return -1;
    const value = this.digits(count);
    return value <= max ? value : -1;
  }

  /** An unsigned 64-bit integer into two words; false if malformed or ≥ 2^64. */
  private u64(words: Int32Array, lo: number): boolean {
    const count = this.digitRun(MAX_U64_DIGITS);
    if (count === 0) return false;
    if (count <= EXACT_DIGITS) {
      writeU64(words, lo, this.digits(count));
      return true;
    }
    // Exact: limbs × 10^k + chunk, chunks of up to 8 digits; every product stays below 2^53.
    const limbs = this.limbs;
    limbs.fill(0);
    let left = count;
    while (left > 0) {
      const size = Math.min(left, 8);
      if (!multiplyAdd(limbs, DECIMAL_SCALE[PRICE_DECIMALS - size], this.digits(size))) return false;
      left -= size;
    }
    words[lo] = (limbs[1] * 65_536 + limbs[0]) | 0;
    words[lo + 1] = (limbs[3] * 65_536 + limbs[2]) | 0;
    return true;
  }

  /** A decimal price into fixed-point words; false unless exact and below 2^53 units. */
  private price(words: Int32Array, lo: number): boolean {
    const negative = this.pos < this.limit && this.bytes[this.pos] === MINUS;
    if (negative) this.pos++;
    const wholeDigits = this.digitRun(EXACT_DIGITS);
    if (wholeDigits === 0) return false;
    const whole = this.digits(wholeDigits);
    if (whole > MAX_WHOLE_PRICE) return false;
    let units = whole * PRICE_SCALE;
    if (this.pos < this.limit && this.bytes[this.pos] === DOT) {
      this.pos++;
      const start = this.pos;
      while (this.pos < this.limit && this.bytes[this.pos] >= ZERO && this.bytes[this.pos] <= NINE) this.pos++;
      const decimals = this.pos - start;
      if (decimals === 0 || decimals > PRICE_DECIMALS) return false;
      this.pos = start;
      units += this.digits(decimals) * DECIMAL_SCALE[decimals];
    }
    if (units > Number.MAX_SAFE_INTEGER) return false;
    // An exponent or anything else that is not the next separator fails at the next expect().
    writeU64(words, lo, negative ? -units : units);
    return true;
  }
}

/** limbs (four 16-bit, little-endian) = limbs × factor + addend; false on overflow past 2^64. */
function multiplyAdd(limbs: Float64Array, factor: number, addend: number): boolean {
  let carry = addend;
  for (let i = 0; i < 4; i++) {
    const t = limbs[i] * factor + carry;
    carry = Math.floor(t / 65_536);
    limbs[i] = t - carry * 65_536;
  }
  return carry === 0;
}

