// What went wrong with a message whose framing does not hold, told from the bytes that are
// there, so that the error blames the real fault: a message cut short (fewer bytes than
// BodyLength promises, or a new message beginning inside it), a CheckSum left out (the body
// ends where BodyLength says and nothing follows, or a new message does), or a wrong
// BodyLength (a CheckSum field ends the message elsewhere). Shared by FixParser (a message
// on its own) and FixFramer (a message in a stream); only ever called on the error path.
import { DIGIT_0, DIGIT_9, EQUALS, isBeginString } from './fix-bytes.ts';
import type { FixErrorCode } from './fix-error.ts';

const NEWLINE = 0x0a;
const RETURN = 0x0d;
/** Longest BeginString value a message start may have ("FIXT.1.1", "FIX.5.0SP2", …, with room). */
export const MAX_BEGIN_STRING = 32;
/** "10=nnn" and its delimiter. */
const TRAILER_LENGTH = 7;

/**
 * How the bytes handed to diagnoseBody end: 'message' (they are all of the message, as the
 * parser is given it), 'input' (the stream ended there, so a message start cut by the end
 * still counts) or 'frame' (they are only as far as BodyLength reaches; the bytes after them
 * that have come only show whether a message starts inside them).
 */
export type BytesEnd = 'message' | 'input' | 'frame';

/** Bytes [start, end) shown in an error: the delimiter as '|', other control bytes escaped, long runs shortened. */
export function shown(buffer: Uint8Array, start: number, end: number, delimiter: number, longest = 24): string {
  let text = '';
  for (let i = start; i < Math.min(end, start + longest); i++) text += buffer[i] === delimiter ? '|' : String.fromCharCode(buffer[i]);
  return JSON.stringify(text).slice(0, -1) + (end - start > longest ? '…"' : '"');
}

/** Whether bytes [start, end) could be the first bytes of a BeginString value (FIX.4.4, FIXT.1.1, FIX.5.0SP2). */
export function isBeginStringPrefix(buffer: Uint8Array, start: number, end: number): boolean {
  if (end - start > MAX_BEGIN_STRING) return false;
  const text = String.fromCharCode(...buffer.subarray(start, end));
  return /^(?:F(?:I(?:X(?:T?(?:\.(?:\d+(?:\.(?:\d+(?:S(?:P\d*)?)?)?)?)?)?)?)?)?)?$/.test(text);
}

/**
 * Whether a message starts at `at`: "8=", a BeginString, the delimiter and "9=". 1 yes, 0 no,
 * -1 the bytes end before it can be told (`cutCounts`: then 1, a start cut by the end, if at
 * least its "8=" is there).
 */
export function messageStartAt(buffer: Uint8Array, at: number, end: number, delimiter: number, cutCounts: boolean): number {
  const cut = cutCounts ? 1 : -1;
  if (buffer[at] !== 0x38) return 0;
  if (at + 1 >= end) return cutCounts ? 0 : -1;
  if (buffer[at + 1] !== EQUALS) return 0;
  let i = at + 2;
  while (i < end && buffer[i] !== delimiter && i - at <= MAX_BEGIN_STRING + 2) i++;
  if (i === end) return isBeginStringPrefix(buffer, at + 2, end) ? cut : 0;
  if (buffer[i] !== delimiter || !isBeginString(buffer, at + 2, i)) return 0;
  if (++i >= end) return cut;
  if (buffer[i] !== 0x39) return 0;
  if (i + 1 >= end) return cut;
  return buffer[i + 1] === EQUALS ? 1 : 0;
}

/**
 * Where a CheckSum field that is the last field of [bodyStart, limit) begins ("10=", digits,
 * the delimiter, ending at limit), or -1.
 */
function trailingCheckSum(buffer: Uint8Array, delimiter: number, bodyStart: number, limit: number): number {
  if (limit - bodyStart < 5 || buffer[limit - 1] !== delimiter) return -1;
  let k = limit - 2;
  while (k >= bodyStart && buffer[k] >= DIGIT_0 && buffer[k] <= DIGIT_9) k--;
  if (k === limit - 2 || k < bodyStart + 2 || buffer[k] !== EQUALS || buffer[k - 1] !== 0x30 || buffer[k - 2] !== 0x31) return -1;
  const field = k - 2;
  return field === bodyStart || buffer[field - 1] === delimiter ? field : -1;
}

/** Whether bytes [from, to) are the first bytes of a CheckSum field: "10=" then digits. */
function isCheckSumStart(buffer: Uint8Array, from: number, to: number): boolean {
  const mark = [0x31, 0x30, EQUALS];
  for (let k = from; k < to; k++) {
    const byte = buffer[k];
    if (k - from < 3 ? byte !== mark[k - from] : byte < DIGIT_0 || byte > DIGIT_9) return false;
  }
  return true;
}

function hasCheckSumField(buffer: Uint8Array, delimiter: number, from: number, to: number): boolean {
  for (let k = from; k + 2 < to; k++) {
    if ((k === from || buffer[k - 1] === delimiter) && buffer[k] === 0x31 && buffer[k + 1] === 0x30 && buffer[k + 2] === EQUALS) return true;
  }
  return false;
}

/** A framing failure: its code, the byte it is reported at, and what was seen. */
export interface FramingProblem {
  code: FixErrorCode;
  at: number;
  detail: string;
}

/** Where a message's header was read: BodyLength's value, the body's first byte and the body length BodyLength promises. */
export interface ReadHeader {
  lengthAt: number;
  bodyStart: number;
  bodyLength: number;
}

/**
 * What is wrong with a message whose header was read but whose CheckSum field is not where
 * BodyLength says, or whose bytes (up to `end`, all there are: 'message' or 'input') stop
 * before it. Byte numbers in the detail are `base` + the offset in `buffer` (the framer's are
 * stream offsets).
 */
export function diagnoseBody(buffer: Uint8Array, delimiter: number, header: ReadHeader, end: number, ending: 'message' | 'input', base = 0): FramingProblem {
  return diagnose(buffer, delimiter, header, end, ending, base, end) as FramingProblem;
}

/**
 * diagnoseBody for a frame in a stream: bytes [.., end) are as far as BodyLength reaches, and
 * those up to `available` that have come after them show whether a message starts inside
 * them. Undefined while they cannot tell yet (a start cut by `available`); once told, more
 * bytes do not change the answer, so the answer does not depend on how the stream was cut.
 */
export function diagnoseFrame(buffer: Uint8Array, delimiter: number, header: ReadHeader, end: number, available: number, base: number): FramingProblem | undefined {
  return diagnose(buffer, delimiter, header, end, 'frame', base, available);
}

function diagnose(buffer: Uint8Array, delimiter: number, header: ReadHeader, end: number, ending: BytesEnd, base: number, lookEnd: number): FramingProblem | undefined {
  const { lengthAt, bodyStart, bodyLength } = header;
  const bodyEnd = bodyStart + bodyLength;
  // The message's bytes stop where a new message begins or a log line ends, if before `end`.
  let limit = end;
  let seen = ending === 'input' ? ': the input ends there' : '';
  for (let k = bodyStart; k < end; k++) {
    const byte = buffer[k];
    const start = byte === 0x38 ? messageStartAt(buffer, k, lookEnd, delimiter, ending === 'input') : 0;
    if (start < 0 && ending === 'frame') return undefined;
    if (start === 1) {
      limit = k;
      // The framer's bytes are the stream's ('frame', 'input'): say so, as a message's own bytes are numbered from its start.
      seen = `: a new message begins at byte ${base + k}${ending === 'message' ? '' : ' of the input'}`;
      break;
    }
    if (byte === NEWLINE && k > bodyStart && (buffer[k - 1] === delimiter || (buffer[k - 1] === RETURN && buffer[k - 2] === delimiter))) {
      limit = k;
      seen = ': its line ends there';
      break;
    }
  }
  while (limit > bodyStart && limit < end && (buffer[limit - 1] === NEWLINE || buffer[limit - 1] === RETURN || buffer[limit - 1] === 0x20 || buffer[limit - 1] === 0x09)) limit--;

  const checksumAt = trailingCheckSum(buffer, delimiter, bodyStart, limit);
  if (checksumAt === bodyEnd) {
    return { code: 'BadCheckSum', at: bodyEnd + 3, detail: `CheckSum is not 3 digits followed by the delimiter: ${shown(buffer, bodyEnd, limit, delimiter)}` };
  }
  if (checksumAt >= 0) {
    const body = checksumAt - bodyStart;
    return { code: 'BadBodyLength', at: lengthAt, detail: `BodyLength is ${bodyLength}, but CheckSum (10) begins ${body} bytes after it: the body is ${body} bytes` };
  }
  if (limit <= bodyEnd) {
    if (limit === bodyEnd && bodyLength > 0 && buffer[bodyEnd - 1] === delimiter) {
      return { code: 'MissingCheckSum', at: bodyEnd, detail: `the body ends where BodyLength ${bodyLength} says, but no CheckSum (10) follows${seen}` };
    }
    return { code: 'Truncated', at: limit, detail: `the message ends after ${limit - bodyStart} of the ${bodyLength} body bytes BodyLength promises${seen}` };
  }
  const onField = bodyLength === 0 || buffer[bodyEnd - 1] === delimiter;
  if (limit < bodyEnd + TRAILER_LENGTH && onField && isCheckSumStart(buffer, bodyEnd, limit)) {
    return { code: 'Truncated', at: limit, detail: `the message ends inside its CheckSum (10), ${shown(buffer, bodyEnd, limit, delimiter)}${seen}` };
  }
  // Where the bytes stop for certain (not merely where BodyLength reaches), a message with no CheckSum field at all lacks one.
  if (ending !== 'frame' || limit < end) {
    if (!hasCheckSumField(buffer, delimiter, bodyStart, limit)) {
      return { code: 'MissingCheckSum', at: limit, detail: `the message has no CheckSum (10) field${seen}; its body is ${limit - bodyStart} bytes, not the ${bodyLength} BodyLength says` };
    }
  }
  return { code: 'BadBodyLength', at: lengthAt, detail: `CheckSum (10) is not where BodyLength ${bodyLength} says, byte ${base + bodyEnd}: ${shown(buffer, bodyEnd, limit, delimiter, 12)} is there` };
}
