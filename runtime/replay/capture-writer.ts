// Writes a capture file (capture-file.ts): the header at once, then a block each time
// `blockRecords` records have been appended or flush() is called (the recorder flushes on
// a timer, so a killed recorder loses at most that much), and the end marker on finish().
// Records are copied word for word: the file holds exactly the bytes that were published.
import fs from 'node:fs';
import type { MarketDataRecord } from '../record/market-data-record.ts';
import { RECORD_SIZE, RECORD_WORDS } from '../record/record-layout.ts';
import {
  BLOCK_HEADER_SIZE,
  DEFAULT_BLOCK_RECORDS,
  HEADER_SIZE,
  MAX_BLOCK_RECORDS,
  encodeEnd,
  encodeHeader,
  sealBlock,
  type CaptureHeader,
} from './capture-file.ts';

export interface CaptureWriterOptions extends Omit<CaptureHeader, 'version' | 'recordSize' | 'blockRecords'> {
  blockRecords?: number;
  /** Replace an existing file instead of refusing to. */
  overwrite?: boolean;
}

const BLOCK_HEADER_WORDS = BLOCK_HEADER_SIZE / 4;

export class CaptureWriter {
  readonly path: string;
  records = 0;
  blocks = 0;
  bytesWritten = 0;
  private readonly fd: number;
  private readonly blockRecords: number;
  private readonly block: Buffer;
  private readonly blockWords: Int32Array;
  private pending = 0;
  private closed = false;

  constructor(path: string, options: CaptureWriterOptions) {
    const blockRecords = options.blockRecords ?? DEFAULT_BLOCK_RECORDS;
    if (!Number.isInteger(blockRecords) || blockRecords < 1 || blockRecords > MAX_BLOCK_RECORDS) {
      throw new RangeError(`block records must be 1 to ${MAX_BLOCK_RECORDS}, got ${blockRecords}`);
    }
    this.path = path;
    this.blockRecords = blockRecords;
    const memory = new ArrayBuffer(BLOCK_HEADER_SIZE + blockRecords * RECORD_SIZE);
    this.block = Buffer.from(memory);
    this.blockWords = new Int32Array(memory);
    this.fd = fs.openSync(path, options.overwrite === true ? 'w' : 'wx');
    try {
      this.write(encodeHeader({ ...options, blockRecords }), HEADER_SIZE);
    } catch (error) {
      fs.closeSync(this.fd);
      throw error;
    }
  }

  append(record: MarketDataRecord): void {
    // A full block whose write failed is tried again before it takes another record.
    if (this.pending === this.blockRecords) this.flush();
    const to = this.blockWords;
    const toBase = BLOCK_HEADER_WORDS + this.pending * RECORD_WORDS;
    const from = record.words;
    const fromBase = record.base;
    for (let i = 0; i < RECORD_WORDS; i++) to[toBase + i] = from[fromBase + i];
    this.records++;
    if (++this.pending === this.blockRecords) this.flush();
  }

  /** Writes the records appended since the last block as a (possibly short) block; a failed write can be tried again. */
  flush(): void {
    if (this.pending === 0 || this.closed) return;
    const length = sealBlock(this.block, this.pending, this.blocks);
    this.write(this.block, length);
    this.blocks++;
    this.pending = 0;
  }

  /** Writes what is pending and the end marker, syncs and closes: the file is complete. */
  finish(endWallNs: number): void {
    if (this.closed) return;
    try {
      this.flush();
      const end = encodeEnd({ blocks: this.blocks, records: this.records, endWallNs });
      this.write(end, end.length);
      fs.fsyncSync(this.fd);
    } finally {
      this.closed = true;
      fs.closeSync(this.fd);
    }
  }

  /**
   * Writes at the file offset after the last whole part, not at the end of the file: if a
   * write fails part-way (a full disk) and is tried again, the part overwrites its own
   * partial bytes instead of following them.
   */
  private write(bytes: Buffer, length: number): void {
    let done = 0;
    while (done < length) done += fs.writeSync(this.fd, bytes, done, length - done, this.bytesWritten + done);
    this.bytesWritten += length;
  }
}
