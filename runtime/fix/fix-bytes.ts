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
