// Finds message boundaries on a session's byte stream the way FIX engines do (QuickFIX's
// Parser::readFixMessage): from "8=", BodyLength bytes after the BodyLength field, then up to
// the end of the next CheckSum field. A message whose BodyLength lies is still cut at the
// next CheckSum after BodyLength's reach, handed on whole, and found garbled by the parser
// (the session then ignores it, as FIX says). A BodyLength that is too long therefore takes
// the next message with it, exactly as the counterparty's engine sees the stream (QuickFIX's
// acceptance script 2m_BodyLengthValueNotCorrect relies on it). Unlike FixFramer (runtime/fix),
// which resynchronises inside a message for logs and captures, this framer never splits what
// a peer's engine would take as one message. Bytes held are bounded: garbage without "8="
// is dropped as it comes, and a BodyLength beyond `maxMessageBytes` is reported and skipped.

const SOH = 0x01;
const EIGHT = 0x38;
const ZERO = 0x30;
const EQUALS = 0x3d;
const SMALL_READ_BYTES = 1024;
/** "\x019=" and "\x0110=": the fields that give a message's length and end it. */
const BODY_LENGTH_FIELD = [SOH, 0x39, EQUALS];
const CHECKSUM_FIELD = [SOH, 0x31, ZERO, EQUALS];

export interface SessionFramerEvents {
  /** A message: bytes [start, end) of `buffer`, valid during the call only. */
  onMessage(buffer: Buffer, start: number, end: number): void;
  /** Bytes that cannot be a message (reason for the log); the framer has skipped them. */
  onGarbage(reason: string, bytes: number): void;
}

export class SessionFramer {
  private readonly events: SessionFramerEvents;
  private readonly maxMessageBytes: number;
  private pending = Buffer.allocUnsafe(4096);
  private length = 0;

  constructor(events: SessionFramerEvents, maxMessageBytes = 1 << 20) {
    this.events = events;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Bytes held back, waiting for the rest of a message. */
  get buffered(): number {
    return this.length;
  }

  /** The first `bytes` bytes of `chunk` (all of it by default) arrived; they are copied, `chunk` may be reused at once. */
  push(chunk: Uint8Array, bytes = chunk.length): void {
    if (this.length + bytes > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.pending.length * 2, this.length + bytes));
      this.pending.copy(grown, 0, 0, this.length);
      this.pending = grown;
    }
    // A few messages are copied byte by byte; more, in one copy of a view (the view's allocation is then the smaller cost).
    if (bytes === chunk.length) this.pending.set(chunk, this.length);
    else if (bytes > SMALL_READ_BYTES) this.pending.set(chunk.subarray(0, bytes), this.length);
    else for (let i = 0; i < bytes; i++) this.pending[this.length + i] = chunk[i];
    this.length += bytes;
    let used = 0;
    for (;;) {
      const taken = this.frame(used);
      if (taken === used) break;
      used = taken;
    }
    if (used > 0) {
      this.pending.copy(this.pending, 0, used, this.length);
      this.length -= used;
    }
  }

  /** Frames one message (or skips garbage) from `from`; returns where the next one starts, or `from` if more bytes are needed. */
  private frame(from: number): number {
    const buffer = this.pending;
    const end = this.length;
    const start = this.find8(from, end);
    if (start < 0) {
      // Keep a last byte that may be the '8' of the next "8=".
      const keep = end > from && buffer[end - 1] === EIGHT ? 1 : 0;
      if (end - keep > from) this.events.onGarbage('no "8=" message start', end - keep - from);
      return end - keep;
    }
    if (start > from) this.events.onGarbage('bytes before "8="', start - from);
    // "\x019=" then digits then SOH.
    const lengthField = this.findField(start, end, BODY_LENGTH_FIELD);
    if (lengthField < 0) return this.needMore(start, end);
    let bodyLength = 0;
    let i = lengthField + 3;
    for (; i < end && buffer[i] !== SOH; i++) {
      const digit = buffer[i] - ZERO;
      if (digit < 0 || digit > 9 || bodyLength > this.maxMessageBytes) {
        this.events.onGarbage(bodyLength > this.maxMessageBytes ? `BodyLength above ${this.maxMessageBytes}` : 'BodyLength is not a number', i + 1 - start);
        return i + 1;
      }
      bodyLength = bodyLength * 10 + digit;
    }
    if (i >= end) return this.needMore(start, end);
    const bodyEnd = i + 1 + bodyLength;
    if (bodyEnd > end) return this.needMore(start, end);
    // The CheckSum field at or after the body's end: "\x0110=" then its value up to SOH.
    const trailer = this.findField(bodyEnd - 1, end, CHECKSUM_FIELD);
    if (trailer < 0) return this.needMore(start, end);
    const close = buffer.indexOf(SOH, trailer + 4);
    if (close < 0 || close >= end) return this.needMore(start, end);
    this.events.onMessage(buffer, start, close + 1);
    return close + 1;
  }

  /** Waits for more bytes unless the message would exceed the bound, in which case its first byte is skipped. */
  private needMore(start: number, end: number): number {
    if (end - start <= this.maxMessageBytes + 64) return start;
    this.events.onGarbage(`no message end within ${this.maxMessageBytes} bytes`, 1);
    return start + 1;
  }

  /**
   * Where `field` (SOH, a tag's digits, '=') first lies wholly in [from, end), or -1: a byte
   * loop, as a string search would convert its pattern on every call.
   */
  private findField(from: number, end: number, field: readonly number[]): number {
    const buffer = this.pending;
    const last = end - field.length;
    outer: for (let i = from; i <= last; i++) {
      if (buffer[i] !== SOH) continue;
      for (let j = 1; j < field.length; j++) if (buffer[i + j] !== field[j]) continue outer;
      return i;
    }
    return -1;
  }

  /** "8=" at `from` or after a SOH, or -1. */
  private find8(from: number, end: number): number {
    const buffer = this.pending;
    for (let i = from; i + 1 < end; i++) {
      if (buffer[i] === EIGHT && buffer[i + 1] === EQUALS && (i === from || buffer[i - 1] === SOH)) return i;
    }
    return -1;
  }
}
