// Reads a capture file (capture-file.ts) as a ReplaySource: streams it block by block,
// checks each block's CRC before handing out any of its records, and hands out the
// records bit-for-bit as they were captured. At the first part that cannot be read
// (truncated, corrupt, missing end marker) it throws ReplayInputError naming the byte
// offset of that part, after every record of the good blocks before it.
import fs from 'node:fs';
import type { MarketDataRecord } from '../record/market-data-record.ts';
import { RECORD_SIZE, RECORD_WORDS } from '../record/record-layout.ts';
import {
  BLOCK_HEADER_SIZE,
  BLOCK_MAGIC,
  CaptureFormatError,
  END_MAGIC,
  END_MARKER_SIZE,
  HEADER_SIZE,
  blockCrc,
  decodeEnd,
  decodeHeader,
  type CaptureEnd,
  type CaptureHeader,
} from './capture-file.ts';
import { ReplayInputError, type ReplaySource } from './replay-source.ts';
import { SequentialFileReader } from './sequential-file-reader.ts';

const READ_BUFFER_BYTES = 4 * 1024 * 1024;
const RECORD_WORDS_SHIFT = 2;

export class CaptureReader implements ReplaySource {
  readonly path: string;
  readonly header: CaptureHeader;
  readonly description: string;
  /** The end marker, once reached. */
  end: CaptureEnd | undefined;
  records = 0;
  blocks = 0;
  private readonly fd: number;
  private readonly input: SequentialFileReader;
  private blockBytes = 0;
  private nextRecordByte = 0;
  private left = 0;
  private failure: ReplayInputError | undefined;
  private finished = false;
  private closed = false;

  private constructor(path: string, fd: number, input: SequentialFileReader, header: CaptureHeader) {
    this.path = path;
    this.fd = fd;
    this.input = input;
    this.header = header;
    this.description = `capture ${path} (feed ${header.feed || '?'} from ${header.source || '?'}, recorded ${new Date(header.startWallNs / 1e6).toISOString()})`;
  }

  /** Opens the file and checks its header; throws ReplayInputError if it is not a readable capture. */
  static open(path: string): CaptureReader {
    const fd = fs.openSync(path, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const first = Buffer.alloc(HEADER_SIZE);
      const available = fs.readSync(fd, first, 0, HEADER_SIZE, 0);
      let header: CaptureHeader;
      try {
        header = decodeHeader(first.subarray(0, available));
      } catch (error) {
        if (error instanceof CaptureFormatError) throw new ReplayInputError(path, error.at, error.message);
        throw error;
      }
      const bufferBytes = Math.max(READ_BUFFER_BYTES, BLOCK_HEADER_SIZE + header.blockRecords * RECORD_SIZE);
      return new CaptureReader(path, fd, new SequentialFileReader(fd, size, bufferBytes, HEADER_SIZE), header);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  /** Up to the last record handed out (or the part last read), for the progress bar. */
  get bytesRead(): number {
    const input = this.input;
    return this.blockBytes === 0 ? input.position : input.position + (this.nextRecordByte - input.start);
  }

  get totalBytes(): number {
    return this.input.size;
  }

  next(out: MarketDataRecord): boolean {
    if (this.left === 0 && !this.nextBlock()) return false;
    const from = this.input.words;
    const to = out.words;
    const fromBase = this.nextRecordByte >> RECORD_WORDS_SHIFT;
    const toBase = out.base;
    for (let i = 0; i < RECORD_WORDS; i++) to[toBase + i] = from[fromBase + i];
    this.nextRecordByte += RECORD_SIZE;
    this.left--;
    this.records++;
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }

  /** Moves to the next block; false at a good end marker; throws at anything else. */
  private nextBlock(): boolean {
    if (this.failure !== undefined) throw this.failure;
    if (this.finished) return false;
    const input = this.input;
    input.consume(this.blockBytes);
    this.blockBytes = 0;
    const offset = input.position;
    const buffer = input.buffer;
    const headerBytes = input.fill(BLOCK_HEADER_SIZE);
    if (headerBytes === 0) {
      const after = this.blocks === 0 ? 'its header (0 records)' : `block ${this.blocks - 1} (${this.records} records)`;
      return this.fail(offset, `truncated: the file ends after ${after} without its end marker; the recorder did not finish`);
    }
    if (headerBytes >= 4 && buffer.readUInt32LE(input.start) === END_MAGIC) return this.readEnd(offset);
    if (headerBytes < BLOCK_HEADER_SIZE) return this.fail(offset, `truncated block header: ${headerBytes} of ${BLOCK_HEADER_SIZE} bytes`);
    const at = input.start;
    if (buffer.readUInt32LE(at) !== BLOCK_MAGIC) return this.fail(offset, `corrupt: expected block ${this.blocks} or the end marker, found bytes 0x${buffer.toString('hex', at, at + 4)}`);
    const count = buffer.readUInt32LE(at + 4);
    if (count === 0 || count > this.header.blockRecords) return this.fail(offset, `corrupt block ${this.blocks}: record count ${count} (1 to ${this.header.blockRecords})`);
    const length = BLOCK_HEADER_SIZE + count * RECORD_SIZE;
    const available = input.fill(length);
    // The count is read before the CRC can be checked: a corrupt one looks like truncation.
    if (available < length) return this.fail(offset, `truncated block ${this.blocks}: ${available} of ${length} bytes (${count} records), or its record count is corrupt`);
    // fill() may have moved the bytes to the front of the buffer.
    const block = buffer.subarray(input.start, input.start + length);
    if (blockCrc(block, length) !== block.readUInt32LE(12)) return this.fail(offset, `corrupt block ${this.blocks} (${count} records): CRC mismatch`);
    const index = block.readUInt32LE(8);
    if (index !== this.blocks) return this.fail(offset, `block ${index} found where block ${this.blocks} belongs (a block is missing or repeated)`);
    this.blocks++;
    this.blockBytes = length;
    this.nextRecordByte = input.start + BLOCK_HEADER_SIZE;
    this.left = count;
    return true;
  }

  private readEnd(offset: number): boolean {
    const input = this.input;
    const available = input.fill(END_MARKER_SIZE);
    if (available < END_MARKER_SIZE) return this.fail(offset, `truncated end marker: ${available} of ${END_MARKER_SIZE} bytes`);
    let end: CaptureEnd;
    try {
      end = decodeEnd(input.buffer.subarray(input.start, input.start + END_MARKER_SIZE));
    } catch (error) {
      if (error instanceof CaptureFormatError) return this.fail(offset + error.at, error.message);
      throw error;
    }
    if (end.blocks !== this.blocks || end.records !== this.records) {
      return this.fail(offset, `end marker counts ${end.blocks} blocks and ${end.records} records, the file holds ${this.blocks} and ${this.records}`);
    }
    input.consume(END_MARKER_SIZE);
    if (input.position < input.size) return this.fail(input.position, `${input.size - input.position} bytes after the end marker`);
    this.end = end;
    this.finished = true;
    return false;
  }

  private fail(offset: number, problem: string): never {
    this.failure = new ReplayInputError(this.path, offset, problem);
    throw this.failure;
  }
}
