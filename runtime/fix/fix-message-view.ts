// A parsed FIX message that is only a set of offsets into the bytes it came from: tag
// numbers and value positions sit in typed arrays that are reused from message to message,
// and a value is decoded (and allocated, for strings) only when it is asked for.
import { FixError } from './fix-error.ts';

const MINUS = 0x2d;
const DOT = 0x2e;
/** Longest value stringAt builds character by character. */
const SHORT_STRING = 6;
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

export class FixMessageView {
  /** The bytes the offsets refer to; valid until the parser that owns this view parses again. */
  buffer: Uint8Array = new Uint8Array(0);
  /** First byte of the message (the '8' of BeginString) and one past its last delimiter. */
  start = 0;
  end = 0;
  /** Number of fields, BeginString, BodyLength and CheckSum included. */
  count = 0;
  tags: Int32Array;
  valueStarts: Int32Array;
  valueEnds: Int32Array;

  constructor(capacity = 64) {
    this.tags = new Int32Array(capacity);
    this.valueStarts = new Int32Array(capacity);
    this.valueEnds = new Int32Array(capacity);
  }

  /**
   * Makes room for `fields` fields, growing the arrays (rarely) when a message may have more
   * than ever before. The parser calls it once per message, before its field loop: a grow
   * inside the loop's push made V8 recompile the loop slower for every message after it.
   */
  reserve(fields: number): void {
    if (fields > this.tags.length) this.grow(fields);
  }

  /** Records one field; there must be room (reserve). */
  push(tag: number, valueStart: number, valueEnd: number): void {
    const i = this.count++;
    this.tags[i] = tag;
    this.valueStarts[i] = valueStart;
    this.valueEnds[i] = valueEnd;
  }

  private grow(fields: number): void {
    let size = this.tags.length * 2;
    while (size < fields) size *= 2;
    const tags = new Int32Array(size);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    tags.set(this.tags);
    starts.set(this.valueStarts);
    ends.set(this.valueEnds);
    this.tags = tags;
    this.valueStarts = starts;
    this.valueEnds = ends;
  }

  /** Index of the first occurrence of `tag` at or after field `from`, or -1. */
  indexOf(tag: number, from = 0): number {
    const tags = this.tags;
    for (let i = from; i < this.count; i++) if (tags[i] === tag) return i;
    return -1;
  }

  has(tag: number): boolean {
    return this.indexOf(tag) >= 0;
  }

  private require(tag: number): number {
    const index = this.indexOf(tag);
    if (index < 0) throw new FixError('MissingField', this.start, `tag ${tag} is not in the message`);
    return index;
  }

  private malformed(index: number, what: string): FixError {
    return new FixError('MalformedValue', this.valueStarts[index], `tag ${this.tags[index]} is not ${what}`);
  }

  getString(tag: number): string {
    return this.stringAt(this.require(tag));
  }

  /** The value of field `index` (0-based position in the message) as a latin1 string. */
  stringAt(index: number): string {
    const buffer = this.buffer;
    const start = this.valueStarts[index];
    const end = this.valueEnds[index];
    // Buffer's latin1 decoding allocates only the string and costs the same at any length;
    // appending characters allocates a string per character, cheaper only for short values.
    if (end - start > SHORT_STRING && buffer instanceof Buffer) return buffer.toString('latin1', start, end);
    let text = '';
    for (let i = start; i < end; i++) text += String.fromCharCode(buffer[i]);
    return text;
  }

  getChar(tag: number): string {
    return this.charAt(this.require(tag));
  }

  /** The value of field `index` as one character (repeating group entries repeat their tags, so they are read by index). */
  charAt(index: number): string {
    if (this.valueEnds[index] - this.valueStarts[index] !== 1) throw this.malformed(index, 'a single character');
    return String.fromCharCode(this.buffer[this.valueStarts[index]]);
  }

  getInt(tag: number): number {
    return this.intAt(this.require(tag));
  }

  /** A signed integer within ±(2^53 − 1), exact as a double; leading zeros are allowed (FIX int: "00023" is 23). */
  intAt(index: number): number {
    const buffer = this.buffer;
    let i = this.valueStarts[index];
    const end = this.valueEnds[index];
    const negative = i < end && buffer[i] === MINUS;
    if (negative) i++;
    if (i === end) throw this.malformed(index, 'an integer');
    while (end - i > 1 && buffer[i] === 0x30) i++;
    if (end - i > 16) throw this.malformed(index, 'an integer');
    let value = 0;
    for (; i < end; i++) {
      const digit = buffer[i] - 0x30;
      if (digit < 0 || digit > 9) throw this.malformed(index, 'an integer');
      value = value * 10 + digit;
    }
    if (!Number.isSafeInteger(value)) throw this.malformed(index, 'an integer within 2^53');
    return negative && value !== 0 ? -value : value;
  }

  /** A decimal price as the nearest double (exact decimal digits, one rounding). */
  getPrice(tag: number): number {
    return this.priceAt(this.require(tag));
  }

  /** The value of field `index` as a decimal price, as getPrice. */
  priceAt(index: number): number {
    const mantissa = this.decimalMantissa(index);
    return mantissa / POWERS_OF_TEN[this.decimalScale];
  }

  /**
   * A decimal price as an integer count of 10^-decimals units (e.g. ticks of 0.0001 with
   * decimals = 4); throws if the value has more significant decimal places than that.
   */
  getScaledPrice(tag: number, decimals: number): number {
    const index = this.require(tag);
    let mantissa = this.decimalMantissa(index);
    let scale = this.decimalScale;
    while (scale > decimals && mantissa % 10 === 0) {
      mantissa /= 10;
      scale--;
    }
    if (scale > decimals) throw this.malformed(index, `a price with at most ${decimals} decimal places`);
    const scaled = mantissa * POWERS_OF_TEN[decimals - scale];
    if (!Number.isSafeInteger(scaled)) throw this.malformed(index, 'a price within 2^53 units');
    return scaled === 0 ? 0 : scaled;
  }

  private decimalScale = 0;

  /** Digits of a decimal value as an integer; the number of fractional digits goes to decimalScale. */
  private decimalMantissa(index: number): number {
    const buffer = this.buffer;
    let i = this.valueStarts[index];
    const end = this.valueEnds[index];
    const negative = i < end && buffer[i] === MINUS;
    if (negative) i++;
    let value = 0;
    let digits = 0;
    let scale = -1;
    // Zeros after the point count only once a non-zero digit follows them: "1.50000000000000000000" is 1.5.
    let zeros = 0;
    for (; i < end; i++) {
      const byte = buffer[i];
      if (byte === DOT && scale < 0) {
        scale = 0;
        continue;
      }
      const digit = byte - 0x30;
      if (digit < 0 || digit > 9) throw this.malformed(index, 'a decimal');
      if (scale >= 0 && digit === 0) {
        zeros++;
        continue;
      }
      if (zeros > 0) {
        if (zeros > 22) throw this.malformed(index, 'a decimal of at most 22 decimal places');
        value *= POWERS_OF_TEN[zeros];
        if (digits > 0) digits += zeros;
        scale += zeros;
        zeros = 0;
      }
      if (digits > 0 || digit > 0) digits++;
      value = value * 10 + digit;
      if (scale >= 0) scale++;
    }
    if (digits > 16 || scale > 22 || !Number.isSafeInteger(value)) throw this.malformed(index, 'a decimal of at most 15 significant digits');
    const length = end - this.valueStarts[index] - (negative ? 1 : 0);
    if (length === 0 || length === 1 && scale === 0) throw this.malformed(index, 'a decimal');
    this.decimalScale = scale < 0 ? 0 : scale;
    return negative && value !== 0 ? -value : value;
  }

  /**
   * A UTCTimestamp (YYYYMMDD-HH:MM:SS with optional .s to .sssssssss) as milliseconds since
   * the Unix epoch; digits below the millisecond are dropped.
   */
  getUtcTimestamp(tag: number): number {
    // Small enough for V8 to inline: a double returned from a call that is not inlined is
    // boxed (a heap allocation per call), so the day and the time of day come back apart,
    // each a small integer, and are combined here, in the caller's code.
    const days = this.utcDaysAt(this.require(tag));
    return days * 86_400_000 + this.timeOfDayMs;
  }

  /** Whether the value of field `index` is a valid UTCTimestamp (a dictionary validator's check; allocates nothing when it is). */
  isUtcTimestampAt(index: number): boolean {
    try {
      this.utcDaysAt(index);
      return true;
    } catch (error) {
      if (error instanceof FixError) return false;
      throw error;
    }
  }

  /** Time of day in ms of the last utcDaysAt, beside its return value (as decimalScale is for decimals). */
  private timeOfDayMs = 0;

  /** Validates the UTCTimestamp of field `index`; returns its days since the epoch and sets timeOfDayMs. */
  private utcDaysAt(index: number): number {
    const buffer = this.buffer;
    const start = this.valueStarts[index];
    const end = this.valueEnds[index];
    const length = end - start;
    if (length !== 17 && (length < 19 || length > 27)) throw this.malformed(index, 'a UTCTimestamp');
    if (buffer[start + 8] !== MINUS || buffer[start + 11] !== 0x3a || buffer[start + 14] !== 0x3a) {
      throw this.malformed(index, 'a UTCTimestamp');
    }
    const year = this.digitsAt(index, start, 4);
    const month = this.digitsAt(index, start + 4, 2);
    const day = this.digitsAt(index, start + 6, 2);
    const hour = this.digitsAt(index, start + 9, 2);
    const minute = this.digitsAt(index, start + 12, 2);
    const second = this.digitsAt(index, start + 15, 2);
    let millis = 0;
    if (length > 17) {
      if (buffer[start + 17] !== DOT) throw this.malformed(index, 'a UTCTimestamp');
      const fraction = length - 18 < 3 ? length - 18 : 3;
      millis = this.digitsAt(index, start + 18, fraction) * (fraction === 1 ? 100 : fraction === 2 ? 10 : 1);
      if (length - 18 > 3) this.digitsAt(index, start + 21, length - 21);
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) {
      throw this.malformed(index, 'a valid UTC date and time');
    }
    // Arithmetic rather than Date.UTC, whose builtin call also boxes its result.
    this.timeOfDayMs = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    return daysFromEpoch(year, month, day);
  }

  /** `width` decimal digits at `at`, or a MalformedValue error for field `index`. */
  private digitsAt(index: number, at: number, width: number): number {
    let value = 0;
    for (let i = at; i < at + width; i++) {
      const digit = this.buffer[i] - 0x30;
      if (digit < 0 || digit > 9) throw this.malformed(index, 'a UTCTimestamp');
      value = value * 10 + digit;
    }
    return value;
  }
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil; years 0–9999 here). */
function daysFromEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
