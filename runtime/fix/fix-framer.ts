// Finds FIX message boundaries in a byte stream that arrives in arbitrary pieces (TCP
// reads, file chunks): a message may be split at any byte and a chunk may hold several
// messages. The frame length comes from BodyLength (9); the framer checks only the shape
// of the header and trailer, and the parser validates the rest. Bytes between messages
// that are whitespace (log-file line ends) are skipped; anything else is reported once and
// the framer resynchronises at the next "8=" that is not the end of a longer tag (108=, 58=).
import { DIGIT_0, DIGIT_9, EQUALS, type FixDelimiter, delimiterByte } from './fix-bytes.ts';
import { FixError } from './fix-error.ts';

export interface FixFramerOptions {
  delimiter?: FixDelimiter;
  /** Largest message accepted (default 1 MiB); a larger BodyLength is reported and skipped. */
  maxMessageBytes?: number;
  /** Receives each complete message as bytes [start, end) of `buffer`, valid only during the call. */
  onMessage: (buffer: Buffer, start: number, end: number) => void;
  /** Receives framing problems; the framer has already skipped past them. */
  onError: (error: FixError) => void;
}

export class FixFramer {
  private readonly delimiter: number;
  private readonly maxMessageBytes: number;
  private readonly onMessage: FixFramerOptions['onMessage'];
  private readonly onError: FixFramerOptions['onError'];
  private pending: Buffer;
  private pendingLength = 0;
  /** Stream offset of pending[0], for error offsets. */
  private streamOffset = 0;
  /** Inside reported garbage, looking for the next message start (possibly across chunks). */
  private skipping = false;
  /** Whether the byte just before pending[0] (or the next chunk) is a digit: "8=" after one is a tag like 108=. */
  private digitBefore = false;

  constructor(options: FixFramerOptions) {
    this.delimiter = delimiterByte(options.delimiter);
    this.maxMessageBytes = options.maxMessageBytes ?? 1 << 20;
    this.onMessage = options.onMessage;
    this.onError = options.onError;
    this.pending = Buffer.allocUnsafe(4096);
  }

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.pendingLength;
  }

  push(chunk: Uint8Array): void {
    if (this.pendingLength === 0) {
      // Common case: frame straight out of the chunk and keep only its tail.
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const used = this.frame(buffer, 0, buffer.length);
      if (used > 0) this.digitBefore = isDigit(buffer[used - 1]);
      this.keep(buffer, used, buffer.length);
      return;
    }
    this.append(chunk);
    const used = this.frame(this.pending, 0, this.pendingLength);
    if (used > 0) this.digitBefore = isDigit(this.pending[used - 1]);
    this.pending.copyWithin(0, used, this.pendingLength);
    this.pendingLength -= used;
    this.streamOffset += used;
  }

  private keep(buffer: Buffer, from: number, to: number): void {
    this.streamOffset += from;
    this.pendingLength = 0;
    this.append(buffer.subarray(from, to));
  }

  private append(bytes: Uint8Array): void {
    const needed = this.pendingLength + bytes.length;
    if (needed > this.pending.length) {
      let size = this.pending.length;
      while (size < needed) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength = needed;
  }

  /** Emits every complete message in [start, end) and returns how many bytes were consumed. */
  private frame(buffer: Buffer, start: number, end: number): number {
    let i = start;
    while (i < end) {
      if (this.skipping) {
        while (i < end && !this.isMessageStart(buffer, start, i, end)) i++;
        // At the end, or an "8" whose next byte has not come yet: keep skipping when it does.
        if (i + 1 >= end) return i;
        this.skipping = false;
      }
      const byte = buffer[i];
      if (byte === 0x0a || byte === 0x0d || byte === 0x20 || byte === 0x09) {
        i++;
        continue;
      }
      const length = this.messageLength(buffer, i, end);
      if (length === 0) return i;
      if (length > 0) {
        this.onMessage(buffer, i, i + length);
        i += length;
        continue;
      }
      // Garbage: report it once and resynchronise at the next message start after this byte.
      this.onError(new FixError(this.errorCode, this.streamOffset + i, `${this.errorDetail}; skipping to the next message`));
      this.skipping = true;
      i++;
    }
    return i;
  }

  /** "8=" (or an "8" at the end of the bytes so far) not preceded by a digit. */
  private isMessageStart(buffer: Buffer, start: number, at: number, end: number): boolean {
    if (buffer[at] !== 0x38 || (at + 1 < end && buffer[at + 1] !== EQUALS)) return false;
    return !(at === start ? this.digitBefore : isDigit(buffer[at - 1]));
  }

  private errorCode: FixError['code'] = 'Garbled';
  private errorDetail = '';

  private fail(code: FixError['code'], detail: string): number {
    this.errorCode = code;
    this.errorDetail = detail;
    return -1;
  }

  /** Length of the message starting at `at`, 0 if more bytes are needed, -1 if it is not a message. */
  private messageLength(buffer: Buffer, at: number, end: number): number {
    const delimiter = this.delimiter;
    if (at + 1 >= end) return buffer[at] === 0x38 ? 0 : this.fail('BadBeginString', 'expected 8=');
    if (buffer[at] !== 0x38 || buffer[at + 1] !== EQUALS) return this.fail('BadBeginString', 'expected 8=');
    let i = at + 2;
    while (i < end && buffer[i] !== delimiter) {
      if (i - at > 32) return this.fail('BadBeginString', 'BeginString too long');
      i++;
    }
    if (i === end) return 0;
    i++;
    if (i + 1 >= end) return 0;
    if (buffer[i] !== 0x39 || buffer[i + 1] !== EQUALS) return this.fail('BadBodyLength', 'second field is not BodyLength (9)');
    i += 2;
    const digits = i;
    let bodyLength = 0;
    while (i < end && buffer[i] !== delimiter) {
      const byte = buffer[i];
      if (byte < DIGIT_0 || byte > DIGIT_9 || i - digits >= 9) return this.fail('BadBodyLength', 'BodyLength is not a number');
      bodyLength = bodyLength * 10 + byte - DIGIT_0;
      i++;
    }
    if (i === end) return 0;
    if (i === digits) return this.fail('BadBodyLength', 'BodyLength is empty');
    const total = i + 1 + bodyLength + 7 - at;
    if (total > this.maxMessageBytes) return this.fail('MessageTooLarge', `message of ${total} bytes exceeds ${this.maxMessageBytes}`);
    if (at + total > end) return 0;
    const trailer = at + total - 7;
    if (buffer[trailer] !== 0x31 || buffer[trailer + 1] !== 0x30 || buffer[trailer + 2] !== EQUALS || buffer[at + total - 1] !== delimiter) {
      return this.fail('BadBodyLength', 'CheckSum (10) is not where BodyLength says');
    }
    return total;
  }
}

function isDigit(byte: number): boolean {
  return byte >= DIGIT_0 && byte <= DIGIT_9;
}
