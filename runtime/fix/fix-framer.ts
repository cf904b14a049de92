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
// A message that does not frame is named for what was seen (fix-framing-diagnosis.ts): cut
// short (Truncated: the input ends inside it, or a new message begins inside it, even inside
// its header), its CheckSum left out (MissingCheckSum: the body ends where BodyLength says and
// a new message, a line end or the end of the input follows), or a BodyLength that disagrees
// with where its CheckSum field is (BadBodyLength). Each is decided from the bytes up to a
// fixed point (BodyLength's reach, or the end of the input), so cuts do not change it.
import { DIGIT_0, DIGIT_9, EQUALS, type FixDelimiter, delimiterByte, isBeginString } from './fix-bytes.ts';
import { FixError } from './fix-error.ts';
import { MAX_BEGIN_STRING, type ReadHeader, diagnoseBody, diagnoseFrame, isBeginStringPrefix, messageStartAt, shown } from './fix-framing-diagnosis.ts';

export interface FixFramerOptions {
  delimiter?: FixDelimiter;
  /** Largest message accepted (default 1 MiB); a larger BodyLength is reported and skipped. */
  maxMessageBytes?: number;
  /**
   * Log files: text before "8=FIX" at the start of a line (a time stamp, a direction) is
   * skipped without an error, if it is at most MAX_LINE_PREFIX bytes and holds no delimiter.
   */
  linePrefixes?: boolean;
  /**
   * Receives each complete message as bytes [start, end) of `buffer`, valid only during the
   * call; `offset` is where the message begins in the stream. A message found cut short by a
   * new one inside it (FixParser's Truncated error) is handed back with resumeAt().
   */
  onMessage: (buffer: Buffer, start: number, end: number, offset: number) => void;
  /**
   * Receives framing problems; the framer has already skipped past them and goes on at the
   * next message start after the first byte of `error.offset` (the stream offset where the
   * bytes that do not frame begin). `at` is the stream offset of the byte the problem was
   * found at (where the bytes stop, the BodyLength that is wrong, …).
   */
  onError: (error: FixError, at: number) => void;
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

  /** Set by resumeAt() during onMessage: where framing goes on, or -1 (after the message). */
  private resumeOffset = -1;

  /**
   * Called from onMessage: the message was cut short at `offset` of its buffer, where a new
   * message begins (the offset of FixParser's Truncated error); framing goes on from there
   * instead of after the message, so the message that begins there is not lost.
   */
  resumeAt(offset: number): void {
    this.resumeOffset = offset;
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
    // Starts cut by the end of the input now count as starts.
    this.consume(this.frame(this.pending, 0, this.pendingLength, true));
    while (this.pendingLength > 0) {
      if (!this.skipping) this.reportCutShort();
      this.skipping = true;
      this.consume(1);
      this.consume(this.frame(this.pending, 0, this.pendingLength, true));
    }
  }

  /** Reports the held-back bytes at the end of the input (a message cut short) by what messageLength last saw of them. */
  private reportCutShort(): void {
    const offset = this.streamOffset;
    const length = this.pendingLength;
    if (this.waitingBodyStart < 0) {
      this.onError(new FixError('Truncated', offset, `the input ends inside the header of a message, ${shown(this.pending, 0, length, this.delimiter)}`), offset + length);
      return;
    }
    const header = { lengthAt: this.waitingLengthAt, bodyStart: this.waitingBodyStart, bodyLength: this.waitingBodyLength };
    const problem = diagnoseBody(this.pending, this.delimiter, header, length, 'input', offset);
    this.onError(new FixError(problem.code, offset, problem.detail), offset + problem.at);
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
      const length = this.messageLength(buffer, i, end, final);
      // More bytes are needed (at the end of the input, end() reports it).
      if (length === 0) return i;
      if (length > 0) {
        this.resumeOffset = -1;
        this.onMessage(buffer, i, i + length, this.streamOffset + i);
        i = this.resumeOffset > i && this.resumeOffset < i + length ? this.resumeOffset : i + length;
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
      this.onError(new FixError(this.errorCode, this.streamOffset + i, this.errorDetail), this.streamOffset + this.errorAt);
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
  /** Where in the buffer the problem was found. */
  private errorAt = 0;

  private fail(code: FixError['code'], at: number, detail: string): number {
    this.errorCode = code;
    this.errorAt = at;
    this.errorDetail = detail;
    return -1;
  }

  /** The header of the message messageLength last waited on, relative to its start: BodyLength's value, the body (-1: header incomplete). */
  private waitingLengthAt = -1;
  private waitingBodyStart = -1;
  private waitingBodyLength = 0;

  /**
   * Length of the message starting at `at`, 0 if more bytes are needed, -1 if it is not a
   * message (the reason in errorCode and errorDetail). `final`: no more bytes will come.
   */
  private messageLength(buffer: Buffer, at: number, end: number, final: boolean): number {
    const delimiter = this.delimiter;
    this.waitingBodyStart = -1;
    if (at + 1 >= end) return buffer[at] === 0x38 ? 0 : this.fail('BadBeginString', at, 'expected 8=');
    if (buffer[at] !== 0x38) return this.fail('BadBeginString', at, 'expected 8=');
    // "8" then a new message: a sender that stopped after one byte.
    if (buffer[at + 1] !== EQUALS) return this.cutBy(buffer, at + 1, end, final) ?? this.fail('BadBeginString', at, 'expected 8=');
    let i = at + 2;
    while (i < end && buffer[i] !== delimiter) {
      if (i - at > MAX_BEGIN_STRING) return this.cutInBeginString(buffer, at, i, end, final) ?? this.fail('BadBeginString', at + 2, 'BeginString too long');
      i++;
    }
    if (i === end) return 0;
    if (!isBeginString(buffer, at + 2, i)) return this.cutInBeginString(buffer, at, i, end, final) ?? this.fail('BadBeginString', at + 2, 'BeginString is not FIX.n.m or FIXT.n.m');
    i++;
    if (i + 1 >= end) return 0;
    if (buffer[i] !== 0x39 || buffer[i + 1] !== EQUALS) {
      // "8=FIX.4.4|" or "8=FIX.4.4|9" then a new message.
      const cut = buffer[i] === 0x38 ? i : buffer[i] === 0x39 && buffer[i + 1] === 0x38 ? i + 1 : -1;
      return (cut >= 0 ? this.cutBy(buffer, cut, end, final) : undefined) ?? this.fail('BadBodyLength', i, `second field is not BodyLength (9): ${shown(buffer, i, Math.min(end, i + 12), delimiter)}`);
    }
    i += 2;
    const digits = i;
    let bodyLength = 0;
    while (i < end && buffer[i] !== delimiter) {
      const byte = buffer[i];
      if (byte < DIGIT_0 || byte > DIGIT_9 || i - digits >= 9) {
        // "9=12" then a new message: its "8" reads as one more digit, and the "=" after it does not.
        const cut = byte === 0x38 ? i : byte === EQUALS && i > digits && buffer[i - 1] === 0x38 ? i - 1 : -1;
        return (cut >= 0 ? this.cutBy(buffer, cut, end, final) : undefined) ?? this.fail('BadBodyLength', i, 'BodyLength is not a number');
      }
      bodyLength = bodyLength * 10 + byte - DIGIT_0;
      i++;
    }
    if (i === end) return 0;
    if (i === digits) return this.fail('BadBodyLength', digits, 'BodyLength is empty');
    const total = i + 1 + bodyLength + 7 - at;
    if (total > this.maxMessageBytes) return this.fail('MessageTooLarge', digits, `message of ${total} bytes exceeds ${this.maxMessageBytes}`);
    if (at + total > end) {
      this.waitingLengthAt = digits - at;
      this.waitingBodyStart = i + 1 - at;
      this.waitingBodyLength = bodyLength;
      return 0;
    }
    const trailer = at + total - 7;
    if (buffer[trailer] !== 0x31 || buffer[trailer + 1] !== 0x30 || buffer[trailer + 2] !== EQUALS || buffer[at + total - 1] !== delimiter) {
      // Judged on the bytes BodyLength reaches (and, at the end of the input, on all there are),
      // waiting only while a message may start inside them whose header has not all come.
      const header: ReadHeader = { lengthAt: digits, bodyStart: i + 1, bodyLength };
      const problem = diagnoseFrame(buffer, delimiter, header, at + total, end, this.streamOffset) ??
        (final ? diagnoseBody(buffer, delimiter, header, end, 'input', this.streamOffset) : undefined);
      return problem === undefined ? 0 : this.fail(problem.code, problem.at, problem.detail);
    }
    return total;
  }

  /**
   * A header that stops making sense at `k`, where a new message may begin: -1 (reported as
   * Truncated) if one does, 0 if the bytes cannot tell yet, and undefined if not, for the caller's own error.
   */
  private cutBy(buffer: Buffer, k: number, end: number, final: boolean): number | undefined {
    const start = messageStartAt(buffer, k, end, this.delimiter, final);
    if (start < 0) return 0;
    if (start === 0) return undefined;
    return this.fail('Truncated', k, `the message is cut short inside its header: a new message begins at byte ${this.streamOffset + k} of the input`);
  }

  /** A BeginString value [at + 2, i) that is not one: a cut-short BeginString and a new message ("8=FIX.4" "8=FIX.4.4|…")? */
  private cutInBeginString(buffer: Buffer, at: number, i: number, end: number, final: boolean): number | undefined {
    for (let k = at + 2; k < i; k++) {
      if (buffer[k] !== 0x38 || buffer[k + 1] !== EQUALS) continue;
      let before = k;
      while (before > at + 2 && (buffer[before - 1] === NEWLINE || buffer[before - 1] === 0x0d)) before--;
      if (!isBeginStringPrefix(buffer, at + 2, before)) continue;
      const cut = this.cutBy(buffer, k, end, final);
      if (cut !== undefined) return cut;
    }
    return undefined;
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
