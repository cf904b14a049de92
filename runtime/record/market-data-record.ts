// A flyweight over one 64-byte record inside an Int32Array (a ring slot, a TCP frame or a
// private scratch record). wrap() re-points it; getters and setters touch the words
// directly, so reading or writing a record allocates nothing.
import { RECORD_WORDS, RecordType, TWO_POW_32, Word } from './record-layout.ts';

export interface RecordFields {
  sequence: number;
  publishTimeNs: number;
  sourceTimeNs: number;
  instrumentId: number;
  type: number;
  flags: number;
  bidPrice: number;
  askPrice: number;
  bidSize: number;
  askSize: number;
}

export class MarketDataRecord {
  words: Int32Array;
  base: number;

  constructor(words: Int32Array = new Int32Array(RECORD_WORDS), base = 0) {
    this.words = words;
    this.base = base;
  }

  wrap(words: Int32Array, base: number): this {
    this.words = words;
    this.base = base;
    return this;
  }

  get sequence(): number {
    return readU64(this.words, this.base + Word.sequenceLo);
  }
  set sequence(value: number) {
    writeU64(this.words, this.base + Word.sequenceLo, value);
  }
  get publishTimeNs(): number {
    return readU64(this.words, this.base + Word.publishTimeLo);
  }
  set publishTimeNs(value: number) {
    writeU64(this.words, this.base + Word.publishTimeLo, value);
  }
  get sourceTimeNs(): number {
    return readU64(this.words, this.base + Word.sourceTimeLo);
  }
  set sourceTimeNs(value: number) {
    writeU64(this.words, this.base + Word.sourceTimeLo, value);
  }
  get instrumentId(): number {
    return this.words[this.base + Word.instrumentId] >>> 0;
  }
  set instrumentId(value: number) {
    this.words[this.base + Word.instrumentId] = value | 0;
  }
  get type(): number {
    return this.words[this.base + Word.typeAndFlags] & 0xffff;
  }
  set type(value: number) {
    const i = this.base + Word.typeAndFlags;
    this.words[i] = (this.words[i] & ~0xffff) | (value & 0xffff);
  }
  get flags(): number {
    return this.words[this.base + Word.typeAndFlags] >>> 16;
  }
  set flags(value: number) {
    const i = this.base + Word.typeAndFlags;
    this.words[i] = (this.words[i] & 0xffff) | (value << 16);
  }
  get bidPrice(): number {
    return readI64(this.words, this.base + Word.bidPriceLo);
  }
  set bidPrice(value: number) {
    writeU64(this.words, this.base + Word.bidPriceLo, value);
  }
  get askPrice(): number {
    return readI64(this.words, this.base + Word.askPriceLo);
  }
  set askPrice(value: number) {
    writeU64(this.words, this.base + Word.askPriceLo, value);
  }
  get bidSize(): number {
    return this.words[this.base + Word.bidSize] >>> 0;
  }
  set bidSize(value: number) {
    this.words[this.base + Word.bidSize] = value | 0;
  }
  get askSize(): number {
    return this.words[this.base + Word.askSize] >>> 0;
  }
  set askSize(value: number) {
    this.words[this.base + Word.askSize] = value | 0;
  }

  // A trade's fields (record-layout.ts): the same words as a quote's bid/ask, named for it.
  get tradePrice(): number {
    return this.bidPrice;
  }
  get tradeId(): number {
    return readU64(this.words, this.base + Word.askPriceLo);
  }
  get tradeSize(): number {
    return this.bidSize;
  }
  get aggressorSide(): number {
    return this.askSize;
  }

  /** Sets every field of a trade record but the sequence. */
  setTrade(
    publishTimeNs: number,
    sourceTimeNs: number,
    instrumentId: number,
    flags: number,
    price: number,
    size: number,
    aggressorSide: number,
    tradeId: number,
  ): void {
    this.setQuote(publishTimeNs, sourceTimeNs, instrumentId, RecordType.trade, flags, price, tradeId, size, aggressorSide);
  }

  /** Sets every field but the sequence, which the ring's transmitter owns. */
  setQuote(
    publishTimeNs: number,
    sourceTimeNs: number,
    instrumentId: number,
    type: number,
    flags: number,
    bidPrice: number,
    askPrice: number,
    bidSize: number,
    askSize: number,
  ): void {
    const w = this.words;
    const b = this.base;
    writeU64(w, b + Word.publishTimeLo, publishTimeNs);
    writeU64(w, b + Word.sourceTimeLo, sourceTimeNs);
    w[b + Word.instrumentId] = instrumentId | 0;
    w[b + Word.typeAndFlags] = (type & 0xffff) | (flags << 16);
    writeU64(w, b + Word.bidPriceLo, bidPrice);
    writeU64(w, b + Word.askPriceLo, askPrice);
    w[b + Word.bidSize] = bidSize | 0;
    w[b + Word.askSize] = askSize | 0;
    w[b + Word.reservedLo] = 0;
    w[b + Word.reservedHi] = 0;
  }

  /** Copies this record's 16 words into another record. */
  copyTo(target: MarketDataRecord): void {
    copyRecordWords(this.words, this.base, target.words, target.base);
  }

  toFields(): RecordFields {
    return {
      sequence: this.sequence,
      publishTimeNs: this.publishTimeNs,
      sourceTimeNs: this.sourceTimeNs,
      instrumentId: this.instrumentId,
      type: this.type,
      flags: this.flags,
      bidPrice: this.bidPrice,
      askPrice: this.askPrice,
      bidSize: this.bidSize,
      askSize: this.askSize,
    };
  }

  setFields(fields: RecordFields): this {
    this.setQuote(
      fields.publishTimeNs,
      fields.sourceTimeNs,
      fields.instrumentId,
      fields.type,
      fields.flags,
      fields.bidPrice,
      fields.askPrice,
      fields.bidSize,
      fields.askSize,
    );
    this.sequence = fields.sequence;
    return this;
  }
}

export function readU64(words: Int32Array, lo: number): number {
  return (words[lo + 1] >>> 0) * TWO_POW_32 + (words[lo] >>> 0);
}

export function readI64(words: Int32Array, lo: number): number {
  return words[lo + 1] * TWO_POW_32 + (words[lo] >>> 0);
}

/**
 * Writes an integer Number as a 64-bit little-endian pair of words. Works for unsigned
 * values below 2^64 and for signed values in [-2^63, 2^63): floor division yields the
 * two's-complement high word, so one writer serves both.
 */
export function writeU64(words: Int32Array, lo: number, value: number): void {
  const hi = Math.floor(value / TWO_POW_32);
  words[lo] = (value - hi * TWO_POW_32) | 0;
  words[lo + 1] = hi | 0;
}

export function copyRecordWords(from: Int32Array, fromBase: number, to: Int32Array, toBase: number): void {
  for (let i = 0; i < RECORD_WORDS; i++) to[toBase + i] = from[fromBase + i];
}
