// Finds FIX message boundaries in a byte stream that arrives in arbitrary pieces (TCP
// reads, file chunks): a message may be split at any byte and a chunk may hold several
// messages. The frame length comes from BodyLength (9); the framer checks only the shape
// of the header (BeginString FIX.n.m or FIXT.n.m, BodyLength digits) and of the trailer,
// and the parser validates the rest. Bytes between messages that are whitespace (log-file
// line ends) are skipped. Anything else is reported once, and the framer picks up again at
// the next "8=" that is not the end of a longer tag (108=, 58=), or at the next "8=FIX"
// whatever comes before it (a sender that died mid-field, "34=12", then a new message).
// The same messages and errors come out however the stream is cut. end() reports a last
// message cut short and still frames what follows its first byte (a BodyLength too large
// would otherwise hide the messages after it).
import { DIGIT_0, DIGIT_9, EQUALS, type FixDelimiter, delimiterByte, isBeginString } from './fix-bytes.ts';
import { FixError } from './fix-error.ts';

export interface FixFramerOptions {
  delimiter?: FixDelimiter;
  /** Largest message accepted (default 1 MiB); a larger BodyLength is reported and skipped. */
  maxMessageBytes?: number;
  /**
   * Log files: text before "8=FIX" at the start of a line (a time stamp, a direction) is
   * skipped without an error, if it is at most MAX_LINE_PREFIX bytes and holds no delimiter.
   */
  linePrefixes?: boolean;
  /** Receives each complete message as bytes [start, end) of `buffer`, valid only during the call. */
  onMessage: (buffer: Buffer, start: number, end: number) => void;
  /** Receives framing problems; the framer has already skipped past them. */
  onError: (error: FixError) => void;
}

const NEWLINE = 0x0a;
/** Longest line prefix skipped in front of a message in a log file. */
export const MAX_LINE_PREFIX = 256;
/** "8=FIX": enough bytes to tell a message start from text. */
const START_MARK = [0x38, EQUALS, 0x46, 0x49, 0x58];

export class FixFramer {
  private readonly delimiter: number;
  private readonly maxMessageBytes: number;
  private readonly linePrefixes: boolean;
  private readonly onMessage: FixFramerOptions['onMessage'];
  private readonly onError: FixFramerOptions['onError'];
  private pending: Buffer;
  private pendingLength = 0;
  /** Stream offset of pending[0], for error offsets. */
  private streamOffset = 0;
  /** Inside reported garbage, looking for the next message start (possibly across chunks). */
  private skipping = false;
  /** The byte just before pending[0] (or the next chunk); NEWLINE at the start of the stream. */
  private previousByte = NEWLINE;

  constructor(options: FixFramerOptions) {
    this.delimiter = delimiterByte(options.delimiter);
    this.maxMessageBytes = options.maxMessageBytes ?? 1 << 20;
    this.linePrefixes = options.linePrefixes ?? false;
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
      const used = this.frame(buffer, 0, buffer.length, false);
      if (used > 0) this.previousByte = buffer[used - 1];
      this.streamOffset += used;
      this.append(buffer.subarray(used));
      return;
    }
    this.append(chunk);
    this.consume(this.frame(this.pending, 0, this.pendingLength, false));
  }

  /**
   * The end of the input: bytes still held back are a message cut short, reported; the
   * bytes after its first one are framed again, so whole messages among them still come out.
   */
  end(): void {
    while (this.pendingLength > 0) {
      if (!this.skipping) {
        this.onError(new FixError('Garbled', this.streamOffset, `the input ends inside a message: ${this.pendingLength} bytes from here are not a whole message; skipping to the next one`));
      }
      this.skipping = true;
      this.consume(1);
      this.consume(this.frame(this.pending, 0, this.pendingLength, true));
    }
  }

  private consume(used: number): void {
    if (used === 0) return;
    this.previousByte = this.pending[used - 1];
    this.pending.copyWithin(0, used, this.pendingLength);
    this.pendingLength -= used;
    this.streamOffset += used;
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

  /**
   * Emits every complete message in [start, end) and returns how many bytes were consumed.
   * `final`: no more bytes will come, so a possible start cut by the end is garbage too.
   */
  private frame(buffer: Buffer, start: number, end: number, final: boolean): number {
    let i = start;
    while (i < end) {
      if (this.skipping) {
        let found = -1;
        for (; i < end; i++) {
          found = this.startAt(buffer, start, i, end);
          if (found !== 0) break;
        }
        // At the end, or a start whose bytes have not all come yet: keep skipping when they do.
        if (i === end || (found < 0 && !final)) return i;
        if (found < 0) return end;
        this.skipping = false;
      }
      const byte = buffer[i];
      if (byte === NEWLINE || byte === 0x0d || byte === 0x20 || byte === 0x09) {
        i++;
        continue;
      }
      const length = this.messageLength(buffer, i, end);
      // More bytes are needed (at the end of the input, end() reports it).
      if (length === 0) return i;
      if (length > 0) {
        this.onMessage(buffer, i, i + length);
        i += length;
        continue;
      }
      if (this.linePrefixes && (i === start ? this.previousByte : buffer[i - 1]) === NEWLINE) {
        const prefix = this.linePrefixEnd(buffer, start, i, end);
        if (prefix > 0) {
          i = prefix;
          continue;
        }
        if (prefix === 0 && !final) return i;
      }
      // Garbage: report it once and resynchronise at the next message start after this byte.
      this.onError(new FixError(this.errorCode, this.streamOffset + i, `${this.errorDetail}; skipping to the next message`));
      this.skipping = true;
      i++;
    }
    return i;
  }

  /**
   * Whether a message may start at `at`: 1 yes, 0 no, -1 cannot tell yet (the bytes end
   * inside "8=FIX"). "8=" counts unless a digit comes before it (the end of a tag like
   * 108=); "8=FIX" counts whatever comes before it.
   */
  private startAt(buffer: Buffer, start: number, at: number, end: number): number {
    if (buffer[at] !== 0x38) return 0;
    let matched = 1;
    while (matched < START_MARK.length && at + matched < end && buffer[at + matched] === START_MARK[matched]) matched++;
    if (matched === START_MARK.length) return 1;
    if (at + matched < end) {
      if (matched < 2) return 0;
      return isDigit(at === start ? this.previousByte : buffer[at - 1]) ? 0 : 1;
    }
    return -1;
  }

  /**
   * Where "8=FIX" begins on the line that starts at `at`, if only a short prefix without
   * a delimiter comes before it: > 0 that offset, -1 none, 0 cannot tell yet.
   */
  private linePrefixEnd(buffer: Buffer, start: number, at: number, end: number): number {
    const limit = Math.min(end, at + MAX_LINE_PREFIX);
    for (let i = at; i < limit; i++) {
      const byte = buffer[i];
      if (byte === NEWLINE || byte === this.delimiter) return -1;
      if (i > at && isStartMark(buffer, i, end)) return i;
    }
    return limit === end && end - at < MAX_LINE_PREFIX ? 0 : -1;
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
    if (!isBeginString(buffer, at + 2, i)) return this.fail('BadBeginString', 'BeginString is not FIX.n.m or FIXT.n.m');
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

function isStartMark(buffer: Buffer, at: number, end: number): boolean {
  if (at + START_MARK.length > end) return false;
  for (let k = 0; k < START_MARK.length; k++) if (buffer[at + k] !== START_MARK[k]) return false;
  return true;
}

function isDigit(byte: number): boolean {
  return byte >= DIGIT_0 && byte <= DIGIT_9;
}
