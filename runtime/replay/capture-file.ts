// The capture file (`.mfcap`) that `marketfeed record` writes and `marketfeed replay` reads:
// a 256-byte header, then blocks of records exactly as they were published (64 bytes each,
// bit-for-bit), then an end marker. Every part carries a CRC32, so a corrupt byte is
// detected and located to its block, and a file without its end marker is known to be
// truncated (the recorder was killed). All integers little-endian. docs/replay.md has the
// tables; this file is their single source.
//
// header (256 bytes)                     block (16 + n × 64 bytes)
//   0  8  magic "MFCAP\r\n\x1a"             0  4  magic "MFBK"
//   8  2  version (1)                       4  4  n, records in this block (1 … block records)
//  10  2  header size (256)                 8  4  block index (0, 1, 2, …)
//  12  2  record size (64)                 12  4  CRC32 of bytes 0-11 and the n records
//  14  2  block records (most per block)   16  …  the records
//  16  8  start wall-clock ns
//  24  8  start CLOCK_MONOTONIC ns         end marker (32 bytes)
//  32  2  feed name length                  0  4  magic "MFEN"
//  34  2  source length                     4  4  blocks in the file
//  36 100 feed name (UTF-8, zero padded)    8  8  records in the file
// 136 116 source (UTF-8, zero padded)      16  8  end wall-clock ns
// 252  4  CRC32 of bytes 0-251             24  4  zero
//                                          28  4  CRC32 of bytes 0-27
import { crc32 } from 'node:zlib';
import { RECORD_SIZE } from '../record/record-layout.ts';

export const CAPTURE_MAGIC = Buffer.from('MFCAP\r\n\x1a', 'latin1');
export const CAPTURE_VERSION = 1;
export const HEADER_SIZE = 256;
export const BLOCK_HEADER_SIZE = 16;
export const END_MARKER_SIZE = 32;
/** 1024 records: 64 KiB blocks, so a corrupt byte costs at most 1024 records. */
export const DEFAULT_BLOCK_RECORDS = 1024;
export const MAX_BLOCK_RECORDS = 65_535;
export const BLOCK_MAGIC = 0x4b42_464d; // "MFBK" read as a little-endian u32
export const END_MAGIC = 0x4e45_464d; // "MFEN"
export const CAPTURE_EXTENSION = '.mfcap';

const FEED_FIELD = { lengthAt: 32, at: 36, size: 100 } as const;
const SOURCE_FIELD = { lengthAt: 34, at: 136, size: 116 } as const;
const HEADER_CRC_AT = 252;
const END_CRC_AT = 28;

export interface CaptureHeader {
  version: number;
  recordSize: number;
  /** Most records in one block. */
  blockRecords: number;
  /** When the file was started (with the first record): CLOCK_REALTIME and CLOCK_MONOTONIC ns of the recording host. */
  startWallNs: number;
  startMonotonicNs: number;
  /** The feed's name, and where it was read from ("shm /dev/shm/feed", "tcp host:port"). */
  feed: string;
  source: string;
}

export interface CaptureEnd {
  blocks: number;
  records: number;
  endWallNs: number;
}

/** What is wrong with a part of a capture file, at an offset relative to the part. */
export class CaptureFormatError extends Error {
  readonly at: number;
  constructor(at: number, problem: string) {
    super(problem);
    this.name = 'CaptureFormatError';
    this.at = at;
  }
}

export function encodeHeader(header: Omit<CaptureHeader, 'version' | 'recordSize'>): Buffer {
  const bytes = Buffer.alloc(HEADER_SIZE);
  CAPTURE_MAGIC.copy(bytes, 0);
  bytes.writeUInt16LE(CAPTURE_VERSION, 8);
  bytes.writeUInt16LE(HEADER_SIZE, 10);
  bytes.writeUInt16LE(RECORD_SIZE, 12);
  bytes.writeUInt16LE(header.blockRecords, 14);
  bytes.writeBigUInt64LE(BigInt(Math.max(0, Math.round(header.startWallNs))), 16);
  bytes.writeBigUInt64LE(BigInt(Math.max(0, Math.round(header.startMonotonicNs))), 24);
  writeText(bytes, FEED_FIELD, header.feed);
  writeText(bytes, SOURCE_FIELD, header.source);
  bytes.writeUInt32LE(crc32(bytes.subarray(0, HEADER_CRC_AT)), HEADER_CRC_AT);
  return bytes;
}

/** Checks and decodes the first HEADER_SIZE bytes of a file; throws CaptureFormatError. */
export function decodeHeader(bytes: Buffer): CaptureHeader {
  if (bytes.length < CAPTURE_MAGIC.length || !bytes.subarray(0, CAPTURE_MAGIC.length).equals(CAPTURE_MAGIC)) {
    throw new CaptureFormatError(0, 'not a marketfeed capture file (no MFCAP magic)');
  }
  if (bytes.length < HEADER_SIZE) throw new CaptureFormatError(bytes.length, `truncated header: ${bytes.length} of ${HEADER_SIZE} bytes`);
  const version = bytes.readUInt16LE(8);
  const crcOk = crc32(bytes.subarray(0, HEADER_CRC_AT)) === bytes.readUInt32LE(HEADER_CRC_AT);
  // A corrupt header is named as such, whatever byte was hit; a whole header of another version as that.
  if (!crcOk) throw new CaptureFormatError(0, `header CRC mismatch: the header is corrupt${version === CAPTURE_VERSION ? '' : ` (it reads as version ${version})`}`);
  if (version !== CAPTURE_VERSION) throw new CaptureFormatError(8, `unsupported capture version ${version} (this build reads ${CAPTURE_VERSION})`);
  const headerSize = bytes.readUInt16LE(10);
  const recordSize = bytes.readUInt16LE(12);
  const blockRecords = bytes.readUInt16LE(14);
  if (headerSize !== HEADER_SIZE) throw new CaptureFormatError(10, `header size ${headerSize}, expected ${HEADER_SIZE}`);
  if (recordSize !== RECORD_SIZE) throw new CaptureFormatError(12, `record size ${recordSize}, expected ${RECORD_SIZE}`);
  if (blockRecords === 0) throw new CaptureFormatError(14, 'block records is 0');
  return {
    version,
    recordSize,
    blockRecords,
    startWallNs: Number(bytes.readBigUInt64LE(16)),
    startMonotonicNs: Number(bytes.readBigUInt64LE(24)),
    feed: readText(bytes, FEED_FIELD),
    source: readText(bytes, SOURCE_FIELD),
  };
}

/** Fills a block's 16-byte header (magic, count, index, CRC over it and the records). */
export function sealBlock(block: Buffer, count: number, index: number): number {
  block.writeUInt32LE(BLOCK_MAGIC, 0);
  block.writeUInt32LE(count, 4);
  block.writeUInt32LE(index, 8);
  const length = BLOCK_HEADER_SIZE + count * RECORD_SIZE;
  block.writeUInt32LE(blockCrc(block, length), 12);
  return length;
}

/** The CRC of a block of `length` bytes: its first 12 bytes, then its records. */
export function blockCrc(block: Buffer, length: number): number {
  return crc32(block.subarray(BLOCK_HEADER_SIZE, length), crc32(block.subarray(0, 12)));
}

export function encodeEnd(end: CaptureEnd): Buffer {
  const bytes = Buffer.alloc(END_MARKER_SIZE);
  bytes.writeUInt32LE(END_MAGIC, 0);
  bytes.writeUInt32LE(end.blocks, 4);
  bytes.writeBigUInt64LE(BigInt(end.records), 8);
  bytes.writeBigUInt64LE(BigInt(Math.max(0, Math.round(end.endWallNs))), 16);
  bytes.writeUInt32LE(crc32(bytes.subarray(0, END_CRC_AT)), END_CRC_AT);
  return bytes;
}

export function decodeEnd(bytes: Buffer): CaptureEnd {
  if (crc32(bytes.subarray(0, END_CRC_AT)) !== bytes.readUInt32LE(END_CRC_AT)) throw new CaptureFormatError(0, 'end marker CRC mismatch: the end marker is corrupt');
  return { blocks: bytes.readUInt32LE(4), records: Number(bytes.readBigUInt64LE(8)), endWallNs: Number(bytes.readBigUInt64LE(16)) };
}

/** True when the bytes start like a capture file (for telling it from a LOBSTER CSV). */
export function looksLikeCapture(firstBytes: Buffer): boolean {
  return firstBytes.length >= CAPTURE_MAGIC.length && firstBytes.subarray(0, CAPTURE_MAGIC.length).equals(CAPTURE_MAGIC);
}

function writeText(bytes: Buffer, field: { lengthAt: number; at: number; size: number }, text: string): void {
  const encoded = Buffer.from(text, 'utf8');
  // Cut at a character boundary: a feed or source name longer than the field is shortened.
  let length = Math.min(encoded.length, field.size);
  while (length > 0 && length < encoded.length && (encoded[length] & 0xc0) === 0x80) length--;
  encoded.copy(bytes, field.at, 0, length);
  bytes.writeUInt16LE(length, field.lengthAt);
}

function readText(bytes: Buffer, field: { lengthAt: number; at: number; size: number }): string {
  const length = Math.min(bytes.readUInt16LE(field.lengthAt), field.size);
  return bytes.toString('utf8', field.at, field.at + length);
}
