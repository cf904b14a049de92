// The syntax of FIX values by data dictionary type, checked on the bytes without allocating:
// what a session layer answers with "Incorrect data format for value" (SessionRejectReason 6).
// Only the form is checked (a Qty of 17 digits is well formed, if more than a double holds);
// types that are free text (String, Currency, Exchange, Data, …) take any value.
import { DIGIT_0, DIGIT_9 } from './fix-bytes.ts';

/** How a type's values are checked; 'free' takes any. */
export type ValueFormat = 'free' | 'int' | 'decimal' | 'char' | 'boolean' | 'utcTimestamp' | 'date' | 'timeOnly' | 'monthYear';

const FORMAT_OF_TYPE: Record<string, ValueFormat> = {
  INT: 'int', LENGTH: 'int', SEQNUM: 'int', NUMINGROUP: 'int', TAGNUM: 'int', DAYOFMONTH: 'int',
  FLOAT: 'decimal', QTY: 'decimal', PRICE: 'decimal', PRICEOFFSET: 'decimal', AMT: 'decimal', PERCENTAGE: 'decimal',
  CHAR: 'char',
  BOOLEAN: 'boolean',
  UTCTIMESTAMP: 'utcTimestamp',
  UTCDATEONLY: 'date', UTCDATE: 'date', LOCALMKTDATE: 'date',
  UTCTIMEONLY: 'timeOnly',
  MONTHYEAR: 'monthYear',
};

/** What a value of the format must be, for messages. */
export const FORMAT_DESCRIPTION: Record<ValueFormat, string> = {
  free: 'any text',
  int: 'an integer',
  decimal: 'a decimal (digits, at most one point, an optional leading minus)',
  char: 'a single character',
  boolean: 'Y or N',
  utcTimestamp: 'a UTCTimestamp (YYYYMMDD-HH:MM:SS[.sss])',
  date: 'a date (YYYYMMDD)',
  timeOnly: 'a time (HH:MM:SS[.sss])',
  monthYear: 'a month (YYYYMM, YYYYMMDD or YYYYMMwN)',
};

export function formatOfType(type: string): ValueFormat {
  return FORMAT_OF_TYPE[type] ?? 'free';
}

function isDigit(byte: number): boolean {
  return byte >= DIGIT_0 && byte <= DIGIT_9;
}

function digitsAt(buffer: Uint8Array, at: number, width: number): number {
  let value = 0;
  for (let i = at; i < at + width; i++) {
    if (!isDigit(buffer[i])) return -1;
    value = value * 10 + buffer[i] - DIGIT_0;
  }
  return value;
}

function isInt(buffer: Uint8Array, start: number, end: number): boolean {
  let i = buffer[start] === 0x2d ? start + 1 : start;
  if (i === end) return false;
  for (; i < end; i++) if (!isDigit(buffer[i])) return false;
  return true;
}

function isDecimal(buffer: Uint8Array, start: number, end: number): boolean {
  let i = buffer[start] === 0x2d ? start + 1 : start;
  let digits = 0;
  let points = 0;
  for (; i < end; i++) {
    if (buffer[i] === 0x2e) points++;
    else if (isDigit(buffer[i])) digits++;
    else return false;
  }
  return digits > 0 && points <= 1;
}

function isDate(buffer: Uint8Array, at: number): boolean {
  const month = digitsAt(buffer, at + 4, 2);
  const day = digitsAt(buffer, at + 6, 2);
  return digitsAt(buffer, at, 4) >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function isTimeOnly(buffer: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length !== 8 && (length < 10 || length > 18)) return false;
  if (buffer[start + 2] !== 0x3a || buffer[start + 5] !== 0x3a) return false;
  const hour = digitsAt(buffer, start, 2);
  const minute = digitsAt(buffer, start + 3, 2);
  const second = digitsAt(buffer, start + 6, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  return length === 8 || (buffer[start + 8] === 0x2e && digitsAt(buffer, start + 9, length - 9) >= 0);
}

function isMonthYear(buffer: Uint8Array, start: number, end: number): boolean {
  const month = digitsAt(buffer, start + 4, 2);
  if (end - start < 6 || digitsAt(buffer, start, 4) < 0 || month < 1 || month > 12) return false;
  if (end - start === 6) return true;
  if (end - start !== 8) return false;
  if (buffer[start + 6] === 0x77) return buffer[start + 7] >= 0x31 && buffer[start + 7] <= 0x35;
  const day = digitsAt(buffer, start + 6, 2);
  return day >= 1 && day <= 31;
}

/** Whether bytes [start, end) (not empty) are a value of `format`; UTC_TIMESTAMP is checked by the message view. */
export function hasFormat(format: ValueFormat, buffer: Uint8Array, start: number, end: number): boolean {
  switch (format) {
    case 'int':
      return isInt(buffer, start, end);
    case 'decimal':
      return isDecimal(buffer, start, end);
    case 'char':
      return end - start === 1;
    case 'boolean':
      return end - start === 1 && (buffer[start] === 0x59 || buffer[start] === 0x4e);
    case 'date':
      return end - start === 8 && isDate(buffer, start);
    case 'timeOnly':
      return isTimeOnly(buffer, start, end);
    case 'monthYear':
      return isMonthYear(buffer, start, end);
    default:
      return true;
  }
}
