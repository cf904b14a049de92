// Writes FIX messages into one reusable buffer: fields are appended after room reserved
// for the header, and finish() writes BeginString and BodyLength right-aligned in front of
// the body and appends CheckSum, so no bytes are moved and nothing is allocated per message
// (strings and numbers are written byte by byte). Every field writer checks everything
// (message state, tags, value, room) before its first byte, so one that throws leaves the
// message exactly as it was before that field.
import { DIGIT_0, EQUALS, type FixDelimiter, delimiterByte, fixChecksum } from './fix-bytes.ts';
import { FixError } from './fix-error.ts';

export interface FixEncoderOptions {
  beginString?: string;
  delimiter?: FixDelimiter;
  /**
   * Largest whole message in bytes, from "8=" through the delimiter after CheckSum (default
   * 64 KiB): a message of exactly this length fits, a field that would make it longer is BufferFull.
   */
  capacity?: number;
}

const MAX_BODY_LENGTH_DIGITS = 9;
const MAX_BODY_LENGTH = 999_999_999;
/** "10=nnn" and its delimiter. */
const TRAILER_LENGTH = 7;
const MAX_DECIMALS = 15;
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
/**
 * The double product |value|·10^d differs from the exact 10^d·(shortest decimal form of value)
 * by at most about 2^-52 of itself (one rounding in the product, at most half an ulp between
 * value and that form), so rounding the product can go wrong only this close (relative) to a half.
 */
const NEAR_HALF = 2 ** -49;
const MS_PER_DAY = 86_400_000;
/** "YYYYMMDD-HH:MM:SS". */
const SECOND_TEXT_LENGTH = 17;
const MINUS = 0x2d;
const DOT = 0x2e;

// No message begun yet / one in progress / the last one finished (begin() starts the next).
const IDLE = 0;
const OPEN = 1;
const FINISHED = 2;

export class FixEncoder {
  readonly buffer: Buffer;
  /** The last finished message is bytes [start, end) of `buffer`; valid until the next begin(), which sets both to 0. */
  start = 0;
  end = 0;
  private readonly delimiter: number;
  private readonly beginString: string;
  private readonly bodyStart: number;
  /** Where the body must end for the whole message to fit `capacity` (the trailer's room lies beyond). */
  private readonly bodyLimit: number;
  private position = 0;
  private state = IDLE;
  /** The seconds (ms since the epoch ÷ 1000) of the last two UTCTimestamps computed, their texts YYYYMMDD-HH:MM:SS, and the slot to replace next. */
  private readonly cachedSeconds = new Float64Array([-1, -1]);
  private readonly cachedSecondTexts = new Uint8Array(2 * SECOND_TEXT_LENGTH);
  private nextCachedSecond = 0;

  constructor(options: FixEncoderOptions = {}) {
    this.delimiter = delimiterByte(options.delimiter);
    this.beginString = options.beginString ?? 'FIX.4.4';
    if (this.beginString.length === 0 || this.hasBadByte(this.beginString)) throw new FixError('InvalidValue', 0, 'bad BeginString');
    const capacity = options.capacity ?? 65536;
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new FixError('InvalidValue', 0, `capacity ${capacity} is not a positive integer`);
    // "8=" BeginString delimiter "9=" delimiter, without BodyLength's digits.
    const header = 2 + this.beginString.length + 1 + 2 + 1;
    this.bodyStart = header + MAX_BODY_LENGTH_DIGITS;
    // The largest body whose message, BodyLength digits included, is at most capacity.
    let body = Math.min(MAX_BODY_LENGTH, capacity - header - TRAILER_LENGTH - 1);
    while (body > 0 && header + digitCount(body) + body + TRAILER_LENGTH > capacity) body--;
    this.bodyLimit = this.bodyStart + body;
    this.buffer = Buffer.alloc(this.bodyStart + Math.max(body, 0) + TRAILER_LENGTH);
  }

  /** Starts a message; MsgType (35) is its first body field. A refused begin() changes nothing. */
  begin(msgType: string): this {
    this.checkValue(35, msgType);
    if (this.bodyStart + 3 + msgType.length + 1 > this.bodyLimit) throw bufferFull(this.bodyStart);
    this.start = 0;
    this.end = 0;
    this.state = OPEN;
    const buffer = this.buffer;
    buffer[this.bodyStart] = 0x33;
    buffer[this.bodyStart + 1] = 0x35;
    buffer[this.bodyStart + 2] = EQUALS;
    this.position = this.bodyStart + 3;
    this.putValue(msgType);
    return this;
  }

  /** A non-empty latin1 value without the delimiter (FIX has no empty values). */
  string(tag: number, value: string): this {
    this.requireOpen();
    const tagLength = this.tagLength(tag);
    this.checkValue(tag, value);
    this.room(tagLength + 1 + value.length + 1);
    this.putTag(tag, tagLength);
    this.putValue(value);
    return this;
  }

  char(tag: number, value: string): this {
    if (value.length !== 1) throw invalid(this.position, tag, value, 'is not one character');
    return this.string(tag, value);
  }

  int(tag: number, value: number): this {
    this.requireOpen();
    const tagLength = this.tagLength(tag);
    if (!Number.isSafeInteger(value)) throw invalid(this.position, tag, value, 'is not a safe integer');
    this.putDecimal(tagLength, tag, value, 0);
    return this;
  }

  /** A price given as an integer count of 10^-decimals units, written as a decimal (e.g. 123450, 4 → 12.3450). */
  scaledPrice(tag: number, units: number, decimals: number): this {
    this.requireOpen();
    const tagLength = this.tagLength(tag);
    this.checkDecimals(tag, decimals);
    if (!Number.isSafeInteger(units)) throw invalid(this.position, tag, units, 'is not a safe integer count of units');
    this.putDecimal(tagLength, tag, units, decimals);
    return this;
  }

  /**
   * A DATA field (any bytes, delimiter included) preceded by its LENGTH field. An empty value
   * is allowed: LENGTH 0 says where it ends, so "95=0|96=|" is unambiguous and reads back empty.
   */
  data(lengthTag: number, tag: number, value: Uint8Array): this {
    this.requireOpen();
    const lengthTagLength = this.tagLength(lengthTag);
    const tagLength = this.tagLength(tag);
    const lengthLength = numberLength(value.length, 0);
    this.room(lengthTagLength + 1 + lengthLength + 1 + tagLength + 1 + value.length + 1);
    this.putTag(lengthTag, lengthTagLength);
    this.putNumber(value.length, 0, lengthLength);
    this.buffer[this.position++] = this.delimiter;
    this.putTag(tag, tagLength);
    this.buffer.set(value, this.position);
    this.position += value.length;
    this.buffer[this.position++] = this.delimiter;
    return this;
  }

  /**
   * A price rounded to `decimals` places the way a person reads it: its shortest decimal form
   * (String(value)) rounded half away from zero, so 1.005 → 1.01 and -2.5 → -3 (0 decimals).
   */
  price(tag: number, value: number, decimals: number): this {
    // Checks are left to scaledPrice and the rare path, keeping this small; a bad `decimals` reads undefined → NaN → the rare path.
    const scaled = (value < 0 ? -value : value) * POWERS_OF_TEN[decimals];
    const whole = Math.floor(scaled);
    const fraction = scaled - whole;
    // Near a half, or NaN, ±Infinity, or a product too large to hold a fraction: decide on the digits.
    const units = Math.abs(fraction - 0.5) > scaled * NEAR_HALF ? (fraction > 0.5 ? whole + 1 : whole) : this.decimalUnits(tag, value, decimals);
    return this.scaledPrice(tag, value < 0 ? -units : units, decimals);
  }

  /** UTCTimestamp YYYYMMDD-HH:MM:SS.sss from milliseconds since the epoch. */
  utcTimestamp(tag: number, millis: number): this {
    this.requireOpen();
    const tagLength = this.tagLength(tag);
    if (!Number.isSafeInteger(millis) || millis < 0 || millis >= 253402300800000) throw invalid(this.position, tag, millis, 'is not a timestamp in years 1970..9999');
    this.room(tagLength + 1 + 21 + 1);
    this.putTag(tag, tagLength);
    // A session stamps many messages in the same second (SendingTime, and a TransactTime that
    // may be another second): the 17 bytes of the last two seconds written are copied, not computed.
    const second = Math.floor(millis / 1000);
    const slot = second === this.cachedSeconds[0] ? 0 : second === this.cachedSeconds[1] ? 1 : -1;
    if (slot >= 0) {
      const buffer = this.buffer;
      const text = this.cachedSecondTexts;
      const from = slot * SECOND_TEXT_LENGTH;
      for (let i = 0; i < SECOND_TEXT_LENGTH; i++) buffer[this.position + i] = text[from + i];
      this.position += SECOND_TEXT_LENGTH;
    } else {
      this.putSecond(millis, this.nextCachedSecond);
      this.cachedSeconds[this.nextCachedSecond] = second;
      this.nextCachedSecond ^= 1;
    }
    this.buffer[this.position++] = 0x2e;
    this.fixed(millis % 1000, 3);
    this.buffer[this.position++] = this.delimiter;
    return this;
  }

  /** YYYYMMDD-HH:MM:SS of `millis`, kept in cache slot `slot` too. */
  private putSecond(millis: number, slot: number): void {
    const from = this.position;
    // Civil date from days since 1970-01-01 (H. Hinnant's civil_from_days): no Date object per call.
    const days = Math.floor(millis / MS_PER_DAY);
    let rest = millis - days * MS_PER_DAY;
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const dayOfEra = z - era * 146097;
    const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
    const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
    const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
    const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    this.fixed(yearOfEra + era * 400 + (month <= 2 ? 1 : 0), 4);
    this.fixed(month, 2);
    this.fixed(dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1, 2);
    this.buffer[this.position++] = 0x2d;
    this.fixed(Math.floor(rest / 3_600_000), 2);
    rest %= 3_600_000;
    this.buffer[this.position++] = 0x3a;
    this.fixed(Math.floor(rest / 60_000), 2);
    rest %= 60_000;
    this.buffer[this.position++] = 0x3a;
    this.fixed(Math.floor(rest / 1000), 2);
    const to = slot * SECOND_TEXT_LENGTH;
    for (let i = 0; i < SECOND_TEXT_LENGTH; i++) this.cachedSecondTexts[to + i] = this.buffer[from + i];
  }

  /** Writes the header and trailer; the message is then bytes [start, end) of `buffer`. */
  finish(): Buffer {
    if (this.state !== OPEN) throw this.notOpen('finish()');
    const buffer = this.buffer;
    const bodyLength = this.position - this.bodyStart;
    let i = this.bodyStart - 1;
    buffer[i--] = this.delimiter;
    let rest = bodyLength;
    do {
      buffer[i--] = DIGIT_0 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    buffer[i--] = EQUALS;
    buffer[i--] = 0x39;
    buffer[i--] = this.delimiter;
    i -= this.beginString.length - 1;
    buffer.write(this.beginString, i, 'latin1');
    buffer[--i] = EQUALS;
    buffer[--i] = 0x38;
    // The room for the trailer lies beyond bodyLimit, so this cannot run out.
    const sum = fixChecksum(buffer, i, this.position);
    this.putTag(10, 2);
    this.fixed(sum, 3);
    buffer[this.position++] = this.delimiter;
    this.start = i;
    this.end = this.position;
    this.state = FINISHED;
    return buffer;
  }

  /** A copy of the last finished message (allocates; for tests and logs). */
  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(this.start, this.end));
  }

  private requireOpen(): void {
    if (this.state !== OPEN) throw this.notOpen('a field');
  }

  private notOpen(what: string): FixError {
    const why = this.state === IDLE ? 'no message begun' : 'the message is finished';
    return new FixError('InvalidValue', this.position, `${why}: call begin() before ${what}`);
  }

  /** Refuses an empty value or one the message cannot carry. */
  private checkValue(tag: number, value: string): void {
    if (value.length === 0) throw invalid(this.position, tag, value, 'is empty');
    if (this.hasBadByte(value)) throw invalid(this.position, tag, value, 'holds the delimiter or a non-latin1 character');
  }

  /** Copies a checked value and its delimiter byte by byte: faster than Buffer.write for short FIX values, and small enough to inline. */
  private putValue(value: string): void {
    const buffer = this.buffer;
    let position = this.position;
    for (let i = 0; i < value.length; i++) buffer[position++] = value.charCodeAt(i);
    buffer[position++] = this.delimiter;
    this.position = position;
  }

  /** price()'s rare path: the checks, then the rounding done on the decimal digits. */
  private decimalUnits(tag: number, value: number, decimals: number): number {
    this.requireOpen();
    this.tagLength(tag);
    this.checkDecimals(tag, decimals);
    const units = roundDecimalForm(Math.abs(value), decimals);
    if (!Number.isSafeInteger(units)) throw invalid(this.position, tag, value, 'is not finite or not within 2^53 units of 10^-decimals');
    return units;
  }

  private checkDecimals(tag: number, decimals: number): void {
    if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) throw invalid(this.position, tag, decimals, 'is not a number of decimals 0..15');
  }

  /** Digits of a valid tag. */
  private tagLength(tag: number): number {
    if (!Number.isInteger(tag) || tag <= 0 || tag > 999_999_999) throw new FixError('InvalidValue', this.position, `bad tag ${tag}`);
    return digitCount(tag);
  }

  private putTag(tag: number, length: number): void {
    const buffer = this.buffer;
    let i = this.position + length;
    buffer[i] = EQUALS;
    for (let rest = tag; i > this.position; rest = (rest / 10) | 0) buffer[--i] = DIGIT_0 + (rest % 10);
    this.position += length + 1;
  }

  private room(bytes: number): void {
    if (this.position + bytes > this.bodyLimit) throw bufferFull(this.position);
  }

  /** Writes tag=value| for a number with `decimals` places, if it fits. */
  private putDecimal(tagLength: number, tag: number, value: number, decimals: number): void {
    const length = numberLength(value, decimals);
    this.room(tagLength + 1 + length + 1);
    this.putTag(tag, tagLength);
    this.putNumber(value, decimals, length);
    this.buffer[this.position++] = this.delimiter;
  }

  /** Writes `value` in the `length` bytes numberLength gave for it. */
  private putNumber(value: number, decimals: number, length: number): void {
    const buffer = this.buffer;
    const first = value < 0 ? this.position + 1 : this.position;
    if (value < 0) buffer[this.position] = MINUS;
    let rest = Math.abs(value);
    let i = this.position + length - 1;
    for (let written = 0; i >= first; written++) {
      if (written === decimals && decimals > 0) buffer[i--] = DOT;
      buffer[i--] = DIGIT_0 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.position += length;
  }

  private fixed(value: number, width: number): void {
    const buffer = this.buffer;
    for (let i = width - 1; i >= 0; i--) {
      buffer[this.position + i] = DIGIT_0 + (value % 10);
      value = Math.floor(value / 10);
    }
    this.position += width;
  }

  private hasBadByte(value: string): boolean {
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code === this.delimiter || code > 0xff) return true;
    }
    return false;
  }
}

// Errors are built out of line: it keeps the writers small enough for V8 to inline.
function invalid(position: number, tag: number, value: unknown, problem: string): FixError {
  return new FixError('InvalidValue', position, `tag ${tag}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)} ${problem}`);
}

function bufferFull(position: number): FixError {
  return new FixError('BufferFull', position, 'message does not fit the encoder capacity');
}

function digitCount(value: number): number {
  let count = 1;
  for (let power = 10; power <= value; power *= 10) count++;
  return count;
}

/** Bytes of a number written with `decimals` places: sign, at least one digit before the point, the point. */
function numberLength(value: number, decimals: number): number {
  const digits = Math.max(digitCount(Math.abs(value)), decimals + 1);
  return digits + (decimals > 0 ? 1 : 0) + (value < 0 ? 1 : 0);
}

/**
 * The digits of String(magnitude) (e.g. "1.005", "5e-7", "1.5e+21") scaled by 10^decimals and
 * rounded half up, exactly; NaN when magnitude is not finite. Allocates: the rare near-half path.
 */
function roundDecimalForm(magnitude: number, decimals: number): number {
  if (!Number.isFinite(magnitude)) return NaN;
  const text = String(magnitude);
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // The first `keep` digits are the integer part of magnitude·10^decimals.
  const keep = (dot < 0 ? mantissa.length : dot) + exponent + decimals;
  if (keep >= digits.length) return Number(digits.padEnd(keep, '0'));
  const head = keep > 0 ? Number(digits.slice(0, keep)) : 0;
  return keep >= 0 && digits.charCodeAt(keep) >= DIGIT_0 + 5 ? head + 1 : head;
}
