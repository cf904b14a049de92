// A labelled corpus of corrupted FIX messages: each corruption of a valid message, and the
// one error code a reader must give it. Framing corruptions (a cut, a dropped CheckSum, a
// wrong BodyLength or CheckSum) keep the rest of the bytes as they were; field corruptions
// (a missing '=', letters in a tag, an empty value, …) are re-framed with a right BodyLength
// and CheckSum, as a sender that wrote a bad field would send them.
import type { FixErrorCode } from '../../runtime/fix/fix-error.ts';

const SOH = '\x01';

export interface FixParts {
  /** "FIX.4.4" */
  begin: string;
  /** The body's fields, "35=D" first, without delimiters. */
  fields: string[];
}

export interface Corruption {
  /** What was done, for failure messages: "truncated at 57". */
  name: string;
  bytes: Buffer;
  code: FixErrorCode;
}

/** BeginString and body fields of a valid SOH message (its BodyLength and CheckSum are dropped). */
export function partsOf(message: Buffer): FixParts {
  const fields = message.toString('latin1').split(SOH).slice(0, -1);
  if (!fields[0].startsWith('8=') || !fields[1].startsWith('9=') || !fields.at(-1)!.startsWith('10=')) throw new Error('not a framed message');
  return { begin: fields[0].slice(2), fields: fields.slice(2, -1) };
}

export function checksumOf(text: string): string {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
  return String(sum & 0xff).padStart(3, '0');
}

/** The message with a right BodyLength and CheckSum. */
export function framed(parts: FixParts): Buffer {
  const body = parts.fields.map((field) => field + SOH).join('');
  const head = `8=${parts.begin}${SOH}9=${body.length}${SOH}${body}`;
  return Buffer.from(`${head}10=${checksumOf(head)}${SOH}`, 'latin1');
}

/** Where the body ends (CheckSum begins) in a framed message. */
export function bodyEndOf(message: Buffer): number {
  return message.lastIndexOf(`${SOH}10=`) + 1;
}

/** Every cut of the message short of its end: the bytes [0, k) for k = 0 … length − 1. */
export function truncations(message: Buffer): Corruption[] {
  const bodyEnd = bodyEndOf(message);
  const out: Corruption[] = [];
  for (let k = 0; k < message.length; k++) {
    // Cut exactly where CheckSum begins, the bytes are those of a message whose CheckSum was left out.
    out.push({ name: `truncated at ${k}`, bytes: message.subarray(0, k), code: k === bodyEnd ? 'MissingCheckSum' : 'Truncated' });
  }
  return out;
}

/** Framing corruptions of a valid message: CheckSum dropped, BodyLength off by ±d, CheckSum value wrong. */
export function framingCorruptions(message: Buffer): Corruption[] {
  const text = message.toString('latin1');
  const bodyEnd = bodyEndOf(message);
  const out: Corruption[] = [{ name: 'CheckSum dropped', bytes: message.subarray(0, bodyEnd), code: 'MissingCheckSum' }];
  const lengthAt = text.indexOf(`${SOH}9=`) + 3;
  const digits = text.slice(lengthAt, text.indexOf(SOH, lengthAt));
  const bodyLength = Number(digits);
  for (const d of [-bodyLength, -20, -7, -1, 1, 2, 7, 20, 500]) {
    if (bodyLength + d < 0) continue;
    const bytes = Buffer.from(text.slice(0, lengthAt) + String(bodyLength + d) + text.slice(lengthAt + digits.length), 'latin1');
    out.push({ name: `BodyLength ${bodyLength} + ${d}`, bytes, code: 'BadBodyLength' });
  }
  const stated = Number(text.slice(bodyEnd + 3, bodyEnd + 6));
  for (const wrong of [(stated + 1) % 256, (stated + 128) % 256]) {
    out.push({ name: `CheckSum ${wrong}`, bytes: Buffer.from(`${text.slice(0, bodyEnd + 3)}${String(wrong).padStart(3, '0')}${SOH}`, 'latin1'), code: 'BadCheckSum' });
  }
  return out;
}

/** Field corruptions of body field `index` (not MsgType), re-framed. */
export function fieldCorruptions(parts: FixParts, index: number): Corruption[] {
  const field = parts.fields[index];
  const equals = field.indexOf('=');
  const tag = field.slice(0, equals);
  const value = field.slice(equals + 1);
  const with_ = (replacement: string): Buffer => framed({ ...parts, fields: parts.fields.with(index, replacement) });
  const out: Corruption[] = [];
  // A value holding '=' would leave a field with a non-numeric tag, not one without '='.
  if (!value.includes('=')) out.push({ name: `${field}: '=' removed`, bytes: with_(tag + value), code: 'MissingEquals' });
  out.push({ name: `${field}: field emptied`, bytes: with_(''), code: 'MissingEquals' });
  for (let at = 0; at <= tag.length; at++) {
    out.push({ name: `${field}: letter in tag at ${at}`, bytes: with_(`${tag.slice(0, at)}X${tag.slice(at)}=${value}`), code: 'BadTag' });
  }
  for (const bad of ['0', '-1', `0${tag}`, '', '1234567890']) {
    out.push({ name: `${field}: tag ${JSON.stringify(bad)}`, bytes: with_(`${bad}=${value}`), code: 'BadTag' });
  }
  for (const framing of ['8', '9', '10']) {
    out.push({ name: `${field}: tag ${framing} in the body`, bytes: with_(`${framing}=${value}`), code: 'TagOutOfOrder' });
  }
  return out;
}
