// The byte layout of a FileMessageStore log (little-endian throughout):
//
//   store header, 32 bytes: "MFFIXSTO" | u32 version | u32 crc32 | f64 creation time (ms) | 8 zero bytes
//   record, 32 + n bytes:   u32 magic "MFR1" | u32 kind | u32 n | u32 crc32 | f64 a | f64 b | n payload bytes
//
// kind 1 = a sent message (a = MsgSeqNum, b = 0, payload = the message's bytes);
// kind 2 = the sequence numbers (a = next sender, b = next target, no payload), the latest wins;
// kind 3 = an audit-journal entry (a = its journal sequence, b = 0, payload = the 64-byte entry;
// runtime/journal/journal-file.ts writes these frames after a header of its own magic).
// Each CRC (zlib's CRC-32) covers every other byte of its header and the payload, so a record
// cut short, half-written or altered anywhere fails its check, and the magic lets a reader
// find where a valid record begins after a bad one.
import { crc32 } from 'node:zlib';

export const STORE_HEADER_SIZE = 32;
export const RECORD_HEADER_SIZE = 32;
export const STORE_VERSION = 1;
export const RECORD_MAGIC = 0x3152464d; // "MFR1"
export const KIND_MESSAGE = 1;
export const KIND_SEQNUMS = 2;
export const KIND_JOURNAL_ENTRY = 3;
/** A journal entry's payload: exactly one 64-byte entry (runtime/journal/journal-entry-layout.ts). */
export const JOURNAL_ENTRY_PAYLOAD = 64;
/** Larger than any FIX message; a length beyond it marks a damaged header. */
export const MAX_PAYLOAD = 16 * 1024 * 1024;

const STORE_MAGIC = Buffer.from('MFFIXSTO', 'latin1');
const HEADER_CRC_AT = 12;

/** A file header; `magic` (8 bytes) says what the file holds: a FIX store by default, else e.g. an audit journal. */
export function encodeStoreHeader(creationMs: number, magic: Buffer = STORE_MAGIC): Buffer {
  const header = Buffer.alloc(STORE_HEADER_SIZE);
  magic.copy(header, 0);
  header.writeUInt32LE(STORE_VERSION, 8);
  header.writeDoubleLE(creationMs, 16);
  header.writeUInt32LE(headerCrc(header), HEADER_CRC_AT);
  return header;
}

/** The creation time in a store header, or why the bytes are none. */
export function decodeStoreHeader(header: Buffer, magic: Buffer = STORE_MAGIC, what = 'a FIX message store'): number | string {
  if (header.length < STORE_HEADER_SIZE || !header.subarray(0, 8).equals(magic)) return `not ${what}`;
  if (header.readUInt32LE(HEADER_CRC_AT) !== headerCrc(header)) return 'store header CRC mismatch';
  const version = header.readUInt32LE(8);
  if (version !== STORE_VERSION) return `store version ${version}, this build reads version ${STORE_VERSION}`;
  return header.readDoubleLE(16);
}

function headerCrc(header: Buffer): number {
  return crc32(header.subarray(16, STORE_HEADER_SIZE), crc32(header.subarray(0, HEADER_CRC_AT)));
}

/** Writes a record header in front of `payloadLength` bytes already at frame[32…]. */
export function sealRecord(frame: Buffer, kind: number, a: number, b: number, payloadLength: number): number {
  frame.writeUInt32LE(RECORD_MAGIC, 0);
  frame.writeUInt32LE(kind, 4);
  frame.writeUInt32LE(payloadLength, 8);
  frame.writeDoubleLE(a, 16);
  frame.writeDoubleLE(b, 24);
  frame.writeUInt32LE(recordCrc(frame, payloadLength), 12);
  return RECORD_HEADER_SIZE + payloadLength;
}

function recordCrc(frame: Buffer, payloadLength: number): number {
  return crc32(frame.subarray(16, RECORD_HEADER_SIZE + payloadLength), crc32(frame.subarray(0, 12)));
}

/** The payload length a record header declares, or why it cannot begin a record (before its CRC is checked). */
export function recordLength(header: Buffer): number | string {
  if (header.length < RECORD_HEADER_SIZE) return 'record header cut short';
  if (header.readUInt32LE(0) !== RECORD_MAGIC) return 'no record magic';
  const kind = header.readUInt32LE(4);
  const length = header.readUInt32LE(8);
  const fits = kind === KIND_MESSAGE ? length <= MAX_PAYLOAD : kind === KIND_SEQNUMS ? length === 0 : kind === KIND_JOURNAL_ENTRY && length === JOURNAL_ENTRY_PAYLOAD;
  if (!fits) return `bad kind ${kind} or length ${length}`;
  return length;
}

/** Why the whole record in `frame` (header and payload) is invalid, or undefined when it is valid. */
export function recordProblem(frame: Buffer): string | undefined {
  const length = recordLength(frame);
  if (typeof length === 'string') return length;
  if (frame.length < RECORD_HEADER_SIZE + length) return 'record cut short';
  if (frame.readUInt32LE(12) !== recordCrc(frame, length)) return 'record CRC mismatch';
  const a = frame.readDoubleLE(16);
  const b = frame.readDoubleLE(24);
  const bOk = frame.readUInt32LE(4) === KIND_SEQNUMS ? isSeq(b) : b === 0;
  return isSeq(a) && bOk ? undefined : 'sequence number out of range';
}

function isSeq(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 1;
}
