// Byte constants and the checksum rule shared by the parser, framer and encoder.

export const SOH = 0x01;
export const PIPE = 0x7c;
export const EQUALS = 0x3d;
export const DIGIT_0 = 0x30;
export const DIGIT_9 = 0x39;

export type FixDelimiter = '\x01' | '|';

export function delimiterByte(delimiter: FixDelimiter | undefined): number {
  return delimiter === '|' ? PIPE : SOH;
}

/** Sum of bytes [start, end) modulo 256, the FIX CheckSum (10) of a message. */
export function fixChecksum(buffer: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += buffer[i];
  return sum & 0xff;
}

/**
 * Whether bytes [start, end) are a BeginString value: FIX.<major>.<minor> or FIXT.<major>.<minor>,
 * optionally followed by SP<n> (FIX.5.0SP2 as some venues write it). A log line cut short, or
 * text that merely holds "8=", is not.
 */
export function isBeginString(buffer: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (end - i < 7 || buffer[i] !== 0x46 || buffer[i + 1] !== 0x49 || buffer[i + 2] !== 0x58) return false;
  i += 3;
  if (buffer[i] === 0x54) i++;
  for (let part = 0; part < 2; part++) {
    if (i >= end || buffer[i] !== 0x2e) return false;
    const digits = ++i;
    while (i < end && buffer[i] >= DIGIT_0 && buffer[i] <= DIGIT_9) i++;
    if (i === digits) return false;
  }
  if (i === end) return true;
  if (end - i < 3 || buffer[i] !== 0x53 || buffer[i + 1] !== 0x50) return false;
  for (i += 2; i < end; i++) if (buffer[i] < DIGIT_0 || buffer[i] > DIGIT_9) return false;
  return true;
}
