// Reads the comma-separated numbers of one line straight from its bytes: no string per
// line or per field, no String.split. Each reader returns false for a malformed field and
// leaves the cursor after what it read, so the caller names the field in its error.
// A number read is left in `value` rather than returned: a double (most nanosecond times,
// prices above 2^30) returned from a call that is not inlined is boxed on the heap, while
// a field of the cursor is overwritten in place.
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

const NS_PER_SECOND = 1_000_000_000;
/** 10^(9 - n) for a fraction of n digits. */
const FRACTION_SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 10, 1];
export const MAX_FRACTION_DIGITS = 9;

export class CsvNumberCursor {
  buffer: Buffer = Buffer.alloc(0);
  position = 0;
  end = 0;
  /** The last number read. */
  value = 0;

  reset(buffer: Buffer, start: number, end: number): this {
    this.buffer = buffer;
    this.position = start;
    this.end = end;
    return this;
  }

  atEnd(): boolean {
    return this.position === this.end;
  }

  /** Consumes a comma, or returns false when there is none. */
  comma(): boolean {
    if (this.position < this.end && this.buffer[this.position] === COMMA) {
      this.position++;
      return true;
    }
    return false;
  }

  /** An optionally negative decimal integer within the safe range. */
  integer(): boolean {
    const negative = this.position < this.end && this.buffer[this.position] === MINUS;
    if (negative) this.position++;
    if (!this.digits()) return false;
    if (negative) this.value = -this.value;
    return true;
  }

  /**
   * Non-negative decimal seconds with at most 9 fraction digits, as integer nanoseconds
   * within the safe range. Exact: the integer and fraction parts are scaled separately,
   * never through a binary fraction.
   */
  secondsAsNs(): boolean {
    if (!this.digits()) return false;
    const seconds = this.value;
    let ns = seconds * NS_PER_SECOND;
    if (this.position < this.end && this.buffer[this.position] === DOT) {
      this.position++;
      const start = this.position;
      if (!this.digits()) return false;
      const count = this.position - start;
      if (count > MAX_FRACTION_DIGITS) return false;
      ns += this.value * FRACTION_SCALE[count];
    }
    this.value = ns;
    return Number.isSafeInteger(ns);
  }

  /** One or more decimal digits, a safe integer. */
  private digits(): boolean {
    const buffer = this.buffer;
    const end = this.end;
    const start = this.position;
    let position = start;
    let value = 0;
    while (position < end) {
      const digit = buffer[position] - ZERO;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
      position++;
    }
    this.position = position;
    this.value = value;
    return position !== start && Number.isSafeInteger(value);
  }
}
