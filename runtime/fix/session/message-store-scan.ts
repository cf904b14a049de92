// Reads a FileMessageStore log from its first record to its end when the store opens. A
// bad record (cut short, failing its CRC, garbage) followed by no valid record is a torn
// tail, the mark of a write that a crash interrupted: its offset is returned for the store
// to cut. A bad record with a valid one after it is damage inside the file, which no crash
// makes: an error naming the file and the offset, and the file is left as it is.
import fs from 'node:fs';
import { RECORD_HEADER_SIZE, RECORD_MAGIC, STORE_HEADER_SIZE, recordLength, recordProblem } from './message-store-frames.ts';

export class CorruptMessageStoreError extends Error {
  readonly file: string;
  readonly offset: number;

  constructor(file: string, offset: number, reason: string) {
    super(`${file}: corrupt record at offset ${offset} (${reason}); a valid record follows it, so this is no torn tail of an interrupted write: repair or move the file away`);
    this.name = 'CorruptMessageStoreError';
    this.file = file;
    this.offset = offset;
  }
}

export interface TornTail {
  offset: number;
  bytes: number;
  reason: string;
}

/** Reads the file in large windows (one read a megabyte, not one per record). */
class FileWindow {
  private buffer = Buffer.alloc(1 << 20);
  private start = 0;
  private end = 0;
  private readonly fd: number;
  readonly size: number;

  constructor(fd: number, size: number) {
    this.fd = fd;
    this.size = size;
  }

  /** Up to `length` bytes at `offset` (fewer at the end of the file), valid until the next call. */
  bytes(offset: number, length: number): Buffer {
    if (offset < this.start || offset + length > this.end) {
      if (length > this.buffer.length) this.buffer = Buffer.alloc(length);
      const wanted = Math.min(this.buffer.length, this.size - offset);
      let read = 0;
      while (read < wanted) {
        const n = fs.readSync(this.fd, this.buffer, read, wanted - read, offset + read);
        if (n === 0) break;
        read += n;
      }
      this.start = offset;
      this.end = offset + read;
    }
    return this.buffer.subarray(offset - this.start, Math.min(offset + length, this.end) - this.start);
  }
}

/** Calls `onRecord` with each valid record's header bytes and offset, in file order; returns the torn tail, if any. */
export function scanMessageLog(fd: number, size: number, file: string, onRecord: (header: Buffer, offset: number) => void): TornTail | undefined {
  const window = new FileWindow(fd, size);
  let offset = STORE_HEADER_SIZE;
  while (offset < size) {
    const record = validRecordAt(window, offset);
    if (typeof record === 'string') {
      const next = nextValidRecord(window, offset + 1);
      if (next !== -1) throw new CorruptMessageStoreError(file, offset, record);
      return { offset, bytes: size - offset, reason: record };
    }
    onRecord(record, offset);
    offset += record.length;
  }
  return undefined;
}

/** The whole record at `offset` (header and payload, valid until the window moves), or why there is none. */
function validRecordAt(window: FileWindow, offset: number): Buffer | string {
  const length = recordLength(window.bytes(offset, RECORD_HEADER_SIZE));
  if (typeof length === 'string') return length;
  const record = window.bytes(offset, RECORD_HEADER_SIZE + length);
  return recordProblem(record) ?? record;
}

function nextValidRecord(window: FileWindow, from: number): number {
  for (let offset = from; offset + RECORD_HEADER_SIZE <= window.size; offset++) {
    if (window.bytes(offset, 4).readUInt32LE(0) === RECORD_MAGIC && typeof validRecordAt(window, offset) !== 'string') return offset;
  }
  return -1;
}
