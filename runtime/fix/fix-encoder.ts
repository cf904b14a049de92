// Writes FIX messages into one reusable buffer: fields are appended after room reserved
// for the header, and finish() writes BeginString and BodyLength right-aligned in front of
// the body and appends CheckSum, so no bytes are moved and nothing is allocated per message
// (strings are written with Buffer.write, numbers digit by digit).
import { DIGIT_0, EQUALS, type FixDelimiter, delimiterByte, fixChecksum } from './fix-bytes.ts';
import { FixError } from './fix-error.ts';

export interface FixEncoderOptions {
  beginString?: string;
  delimiter?: FixDelimiter;
  /** Largest message (default 64 KiB). */
  capacity?: number;
}

const MAX_BODY_LENGTH_DIGITS = 9;

export class FixEncoder {
  readonly buffer: Buffer;
  /** The last finished message is bytes [start, end) of `buffer`. */
  start = 0;
  end = 0;
  private readonly delimiter: number;
  private readonly beginString: string;
  private readonly bodyStart: number;
  private position = 0;

  constructor(options: FixEncoderOptions = {}) {
    this.delimiter = delimiterByte(options.delimiter);
    this.beginString = options.beginString ?? 'FIX.4.4';
    if (this.beginString.length === 0 || this.hasBadByte(this.beginString)) throw new FixError('InvalidValue', 0, 'bad BeginString');
    this.bodyStart = 2 + this.beginString.length + 1 + 2 + MAX_BODY_LENGTH_DIGITS + 1;
    this.buffer = Buffer.alloc(this.bodyStart + (options.capacity ?? 65536));
  }

  /** Starts a message; MsgType (35) is its first body field. */
  begin(msgType: string): this {
    this.position = this.bodyStart;
    return this.string(35, msgType);
  }

  string(tag: number, value: string): this {
    if (this.hasBadByte(value)) throw new FixError('InvalidValue', this.position, `tag ${tag} value holds the delimiter or a non-latin1 character`);
    this.tag(tag);
    this.room(value.length + 1);
    this.position += this.buffer.write(value, this.position, 'latin1');
    this.buffer[this.position++] = this.delimiter;
    return this;
  }

  char(tag: number, value: string): this {
    if (value.length !== 1) throw new FixError('InvalidValue', this.position, `tag ${tag} char value must be one character`);
    return this.string(tag, value);
  }

  int(tag: number, value: number): this {
    if (!Number.isSafeInteger(value)) throw new FixError('InvalidValue', this.position, `tag ${tag} value ${value} is not a safe integer`);
    this.tag(tag);
    this.digits(value, 0);
    this.buffer[this.position++] = this.delimiter;
    return this;
  }

  /** A price given as an integer count of 10^-decimals units, written as a decimal (e.g. 123450, 4 → 12.3450). */
  scaledPrice(tag: number, units: number, decimals: number): this {
    if (!Number.isSafeInteger(units) || decimals < 0 || decimals > 15) throw new FixError('InvalidValue', this.position, `tag ${tag} price is not a safe scaled integer`);
    this.tag(tag);
    this.digits(units, decimals);
    this.buffer[this.position++] = this.delimiter;
    return this;
  }

  /** A DATA field (any bytes, delimiter included) preceded by its LENGTH field. */
  data(lengthTag: number, tag: number, value: Uint8Array): this {
    this.int(lengthTag, value.length);
    this.tag(tag);
    this.room(value.length + 1);
    this.buffer.set(value, this.position);
    this.position += value.length;
    this.buffer[this.position++] = this.delimiter;
    return this;
  }

  /** A price rounded to `decimals` places. */
  price(tag: number, value: number, decimals: number): this {
    return this.scaledPrice(tag, Math.round(value * 10 ** decimals), decimals);
  }

  /** UTCTimestamp YYYYMMDD-HH:MM:SS.sss from milliseconds since the epoch. */
  utcTimestamp(tag: number, millis: number): this {
    if (!Number.isSafeInteger(millis) || millis < 0 || millis >= 253402300800000) throw new FixError('InvalidValue', this.position, `tag ${tag} timestamp out of range`);
    this.tag(tag);
    this.room(22);
    const date = new Date(millis);
    this.fixed(date.getUTCFullYear(), 4);
    this.fixed(date.getUTCMonth() + 1, 2);
    this.fixed(date.getUTCDate(), 2);
    this.buffer[this.position++] = 0x2d;
    this.fixed(date.getUTCHours(), 2);
    this.buffer[this.position++] = 0x3a;
    this.fixed(date.getUTCMinutes(), 2);
    this.buffer[this.position++] = 0x3a;
    this.fixed(date.getUTCSeconds(), 2);
    this.buffer[this.position++] = 0x2e;
    this.fixed(date.getUTCMilliseconds(), 3);
    this.buffer[this.position++] = this.delimiter;
    return this;
  }

  /** Writes the header and trailer; the message is then bytes [start, end) of `buffer`. */
  finish(): Buffer {
    const buffer = this.buffer;
    const bodyLength = this.position - this.bodyStart;
    this.room(7);
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
    this.start = i;
    const sum = fixChecksum(buffer, this.start, this.position);
    this.tag(10);
    this.fixed(sum, 3);
    buffer[this.position++] = this.delimiter;
    this.end = this.position;
    return buffer;
  }

  /** A copy of the last finished message (allocates; for tests and logs). */
  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(this.start, this.end));
  }

  private tag(tag: number): void {
    if (!Number.isInteger(tag) || tag <= 0 || tag > 999_999_999) throw new FixError('InvalidValue', this.position, `bad tag ${tag}`);
    this.room(12);
    this.digits(tag, 0);
    this.buffer[this.position++] = EQUALS;
  }

  private room(bytes: number): void {
    if (this.position + bytes + 24 > this.buffer.length) throw new FixError('BufferFull', this.position, 'message does not fit the encoder buffer');
  }

  /** Writes |value| with a decimal point `decimals` digits from the right (at least one digit before it). */
  private digits(value: number, decimals: number): void {
    this.room(20);
    const buffer = this.buffer;
    if (value < 0) buffer[this.position++] = 0x2d;
    let rest = Math.abs(value);
    let count = 1;
    for (let power = 10; power <= rest; power *= 10) count++;
    if (count <= decimals) count = decimals + 1;
    const length = count + (decimals > 0 ? 1 : 0);
    let i = this.position + length - 1;
    for (let written = 0; written < count; written++) {
      if (decimals > 0 && written === decimals) buffer[i--] = 0x2e;
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
