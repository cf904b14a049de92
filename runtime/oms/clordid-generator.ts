// ClOrdIDs unique across restarts without a string per order: the text is a fixed 8-character
// prefix — this process's start time in ms since the epoch, base 36, zero-padded (8 places
// last until the year 2059) — followed by a decimal counter from 1. Within a process the
// counter (a number, what the OMS stores and looks orders up by) is unique; across processes
// the prefix is, because each start takes max(now, last prefix + 1 ms).
//
// Assumption: one trader per FIX session at a time (the session's logon enforces it) and, when
// the wall clock may have been set back, the caller passes the prefix time of the last run
// (the journal records it) as `afterMs`: the new prefix is then strictly larger whatever the
// clock says. The counter stays below 2^53 (decimal digits: at most 16).

const PREFIX_LENGTH = 8;
const MAX_PREFIX_MS = 36 ** PREFIX_LENGTH - 1;
const DIGIT_0 = 0x30;
const LETTER_A = 0x61;

export interface ClOrdIdGeneratorOptions {
  /** Wall-clock ms since the epoch now (default Date.now()). */
  nowMs?: number;
  /** The prefix time of the previous run (from the journal): this run's prefix is made larger. */
  afterMs?: number;
}

export class ClOrdIdGenerator {
  /** This run's prefix as ms since the epoch. */
  readonly prefixMs: number;
  /** The prefix as text, for logs and the journal. */
  readonly prefix: string;
  private readonly prefixBytes = new Uint8Array(PREFIX_LENGTH);
  private counter = 0;

  constructor(options: ClOrdIdGeneratorOptions = {}) {
    const now = Math.floor(options.nowMs ?? Date.now());
    const after = options.afterMs ?? -1;
    const prefixMs = Math.max(now, after + 1);
    if (!Number.isSafeInteger(prefixMs) || prefixMs < 0 || prefixMs > MAX_PREFIX_MS) throw new RangeError(`ClOrdID prefix time ${prefixMs} ms is outside 0..${MAX_PREFIX_MS}`);
    this.prefixMs = prefixMs;
    let rest = prefixMs;
    for (let i = PREFIX_LENGTH - 1; i >= 0; i--) {
      const digit = rest % 36;
      this.prefixBytes[i] = digit < 10 ? DIGIT_0 + digit : LETTER_A + digit - 10;
      rest = Math.floor(rest / 36);
    }
    this.prefix = String.fromCharCode(...this.prefixBytes);
  }

  /** The next counter (1, 2, …): what the OMS keeps of a ClOrdID. */
  next(): number {
    return ++this.counter;
  }

  /** The last counter handed out (0 before the first). */
  get last(): number {
    return this.counter;
  }

  /** Writes the ClOrdID of `counter` as ASCII at `bytes[at]`; returns the index after it. */
  write(counter: number, bytes: Uint8Array, at: number): number {
    const prefix = this.prefixBytes;
    for (let i = 0; i < PREFIX_LENGTH; i++) bytes[at + i] = prefix[i];
    let length = 1;
    for (let rest = counter; rest >= 10; rest = Math.floor(rest / 10)) length++;
    const end = at + PREFIX_LENGTH + length;
    let rest = counter;
    for (let i = end - 1; i >= at + PREFIX_LENGTH; i--) {
      bytes[i] = DIGIT_0 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    return end;
  }

  /** The counter of the ClOrdID in bytes [start, end), or -1 when it is not one of this run's. */
  parse(bytes: Uint8Array, start: number, end: number): number {
    const digits = end - start - PREFIX_LENGTH;
    if (digits < 1 || digits > 16) return -1;
    const prefix = this.prefixBytes;
    for (let i = 0; i < PREFIX_LENGTH; i++) if (bytes[start + i] !== prefix[i]) return -1;
    if (bytes[start + PREFIX_LENGTH] === DIGIT_0) return -1;
    let value = 0;
    for (let i = start + PREFIX_LENGTH; i < end; i++) {
      const digit = bytes[i] - DIGIT_0;
      if (digit < 0 || digit > 9) return -1;
      value = value * 10 + digit;
    }
    return Number.isSafeInteger(value) ? value : -1;
  }

  /** The ClOrdID of `counter` as a string (logs, tests; allocates). */
  format(counter: number): string {
    const bytes = new Uint8Array(PREFIX_LENGTH + 16);
    return String.fromCharCode(...bytes.subarray(0, this.write(counter, bytes, 0)));
  }
}
