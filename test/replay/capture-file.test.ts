// The capture file: what the writer appends the reader returns bit-for-bit; a file cut
// short or with any bit flipped gives ReplayInputError at the offset of the damaged part,
// after every record of the good blocks before it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { RECORD_WORDS } from '../../runtime/record/record-layout.ts';
import { CAPTURE_MAGIC, HEADER_SIZE, END_MARKER_SIZE, looksLikeCapture } from '../../runtime/replay/capture-file.ts';
import { CaptureReader } from '../../runtime/replay/capture-reader.ts';
import { CaptureWriter } from '../../runtime/replay/capture-writer.ts';
import { ReplayInputError } from '../../runtime/replay/replay-source.ts';
import { readCapture as readAll } from '../helpers/capture-files.ts';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-capture-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let fileCounter = 0;
function freshPath(): string {
  return path.join(dir, `c${fileCounter++}.mfcap`);
}

const START = { feed: 'test-feed', source: 'shm /dev/shm/test-feed', startWallNs: 1_750_000_000_123_456_768, startMonotonicNs: 987_654_321 };

/** A capture written from raw 16-word records, with flushes where asked; returns the byte offset where each part starts. */
interface Written {
  file: string;
  records: Int32Array[];
  /** Start offset of every block, then of the end marker. */
  partStarts: number[];
  /** Records before each part. */
  recordsBefore: number[];
  size: number;
}

function writeCapture(records: Int32Array[], blockRecords: number, flushAfter: ReadonlySet<number> = new Set(), finish = true): Written {
  const file = freshPath();
  const writer = new CaptureWriter(file, { ...START, blockRecords });
  const partStarts: number[] = [];
  const recordsBefore: number[] = [];
  let blocks = 0;
  let bytes = writer.bytesWritten;
  let written = 0;
  const noteBlocks = (): void => {
    if (writer.blocks !== blocks) {
      partStarts.push(bytes);
      recordsBefore.push(written);
      blocks = writer.blocks;
      written = writer.records;
    }
    bytes = writer.bytesWritten;
  };
  const record = new MarketDataRecord();
  records.forEach((words, i) => {
    writer.append(record.wrap(words, 0));
    noteBlocks();
    if (flushAfter.has(i)) {
      writer.flush();
      noteBlocks();
    }
  });
  if (finish) {
    writer.flush();
    noteBlocks();
    partStarts.push(writer.bytesWritten);
    recordsBefore.push(writer.records);
    writer.finish(START.startWallNs + 1e9);
  } else {
    writer.flush();
    noteBlocks();
  }
  return { file, records, partStarts, recordsBefore, size: fs.statSync(file).size };
}

const rawRecord = fc.array(fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }), { minLength: RECORD_WORDS, maxLength: RECORD_WORDS }).map((words) => Int32Array.from(words));
const captureShape = fc.record({
  records: fc.array(rawRecord, { maxLength: 60 }),
  blockRecords: fc.integer({ min: 1, max: 9 }),
  flushAfter: fc.uniqueArray(fc.nat(60)).map((points) => new Set(points)),
});

function partOf(written: Written, offset: number): number {
  let part = -1;
  for (let i = 0; i < written.partStarts.length; i++) if (written.partStarts[i] <= offset) part = i;
  return part;
}

describe('capture file', () => {
  it('gives back every record bit-for-bit, whatever the block size and flush points', () => {
    fc.assert(
      fc.property(captureShape, ({ records, blockRecords, flushAfter }) => {
        const written = writeCapture(records, blockRecords, flushAfter);
        const read = readAll(written.file);
        expect(read.error).toBeUndefined();
        expect(read.records).toEqual(records);
        const reader = CaptureReader.open(written.file);
        expect(reader.header).toMatchObject({ ...START, blockRecords, version: 1, recordSize: 64 });
        expect(reader.totalBytes).toBe(written.size);
        reader.close();
        fs.rmSync(written.file);
      }),
      { numRuns: 100, endOnFailure: true },
    );
  });

  it('cut short anywhere: every record before the cut part, then ReplayInputError at that part', () => {
    fc.assert(
      fc.property(captureShape, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), ({ records, blockRecords, flushAfter }, where) => {
        const written = writeCapture(records, blockRecords, flushAfter);
        const cut = Math.floor(where * written.size);
        fs.truncateSync(written.file, cut);
        const read = readAll(written.file);
        expect(read.error).toBeInstanceOf(ReplayInputError);
        if (cut < HEADER_SIZE) {
          expect(read.error!.offset).toBe(cut < CAPTURE_MAGIC.length ? 0 : cut);
          expect(read.records).toHaveLength(0);
        } else {
          const part = partOf(written, cut);
          expect(read.error!.offset).toBe(written.partStarts[part]);
          expect(read.records).toEqual(records.slice(0, written.recordsBefore[part]));
          expect(read.error!.message).toMatch(/truncated/);
        }
        expect(read.error!.message).toContain(`at byte ${read.error!.offset}:`);
        fs.rmSync(written.file);
      }),
      { numRuns: 200, endOnFailure: true },
    );
  });

  it('any bit flipped: every record before the damaged part, then ReplayInputError at that part', () => {
    fc.assert(
      fc.property(captureShape, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 7 }), ({ records, blockRecords, flushAfter }, where, bit) => {
        const written = writeCapture(records, blockRecords, flushAfter);
        const at = Math.floor(where * written.size);
        const bytes = fs.readFileSync(written.file);
        bytes[at] ^= 1 << bit;
        fs.writeFileSync(written.file, bytes);
        const read = readAll(written.file);
        expect(read.error).toBeInstanceOf(ReplayInputError);
        if (at < HEADER_SIZE) {
          expect(read.error!.offset).toBe(at === 8 || at === 9 ? 8 : 0);
          expect(read.records).toHaveLength(0);
        } else {
          const part = partOf(written, at);
          expect(read.error!.offset).toBe(written.partStarts[part]);
          expect(read.records).toEqual(records.slice(0, written.recordsBefore[part]));
        }
        fs.rmSync(written.file);
      }),
      { numRuns: 300, endOnFailure: true },
    );
  });

  it('a recorder killed between blocks leaves a file that reads to its last block, then reports it truncated', () => {
    const records = Array.from({ length: 25 }, (_, i) => Int32Array.from({ length: RECORD_WORDS }, (_, w) => i * 100 + w));
    const written = writeCapture(records, 10, new Set(), false);
    const read = readAll(written.file);
    expect(read.records).toEqual(records);
    expect(read.error?.offset).toBe(written.size);
    expect(read.error?.message).toMatch(/without its end marker; the recorder did not finish/);
  });

  it('finds a repeated block, bytes after the end marker, and a file that is not a capture', () => {
    const records = Array.from({ length: 6 }, (_, i) => Int32Array.from({ length: RECORD_WORDS }, (_, w) => i * 7 + w));
    const written = writeCapture(records, 2);
    const bytes = fs.readFileSync(written.file);
    const [first, second] = written.partStarts;
    const repeated = Buffer.concat([bytes.subarray(0, second), bytes.subarray(first, second), bytes.subarray(second)]);
    fs.writeFileSync(written.file, repeated);
    let read = readAll(written.file);
    expect(read.error?.offset).toBe(second);
    expect(read.error?.message).toMatch(/block 0 found where block 1 belongs/);
    expect(read.records).toEqual(records.slice(0, 2));

    fs.writeFileSync(written.file, Buffer.concat([bytes, Buffer.from('extra')]));
    read = readAll(written.file);
    expect(read.error?.offset).toBe(bytes.length);
    expect(read.error?.message).toMatch(/5 bytes after the end marker/);
    expect(read.records).toEqual(records);

    fs.writeFileSync(written.file, 'Time,Type,Order ID,Size,Price,Direction\n');
    read = readAll(written.file);
    expect(read.error?.offset).toBe(0);
    expect(read.error?.message).toMatch(/not a marketfeed capture/);
    expect(looksLikeCapture(bytes)).toBe(true);
    expect(looksLikeCapture(Buffer.from('34200.0,1,2'))).toBe(false);
    expect(bytes.length - (written.partStarts.at(-1) ?? 0)).toBe(END_MARKER_SIZE);
  });

  it('streams a file larger than its read buffer, blocks straddling buffer refills', () => {
    const count = 150_000;
    const file = freshPath();
    const writer = new CaptureWriter(file, { ...START, blockRecords: 1000 });
    const record = new MarketDataRecord();
    for (let i = 0; i < count; i++) {
      record.sequence = i;
      record.setQuote(i * 2, i * 3, i % 97, 1, 0, i * 5, i * 5 + 1, i, i + 1);
      writer.append(record);
      if (i % 7777 === 0) writer.flush();
    }
    writer.finish(0);
    expect(fs.statSync(file).size).toBeGreaterThan(2 * 4 * 1024 * 1024);
    const reader = CaptureReader.open(file);
    let i = 0;
    while (reader.next(record)) {
      if (record.sequence !== i || record.publishTimeNs !== i * 2 || record.askPrice !== i * 5 + 1) throw new Error(`record ${i} differs`);
      i++;
    }
    expect(i).toBe(count);
    expect(reader.bytesRead).toBe(reader.totalBytes);
    expect(reader.end).toMatchObject({ records: count, blocks: writer.blocks });
    reader.close();
  });

  it('names a header-only file, a corrupt header byte and the progress within a block', () => {
    const file = freshPath();
    const writer = new CaptureWriter(file, { ...START, blockRecords: 100 });
    const record = new MarketDataRecord();
    for (let i = 0; i < 250; i++) {
      record.sequence = i;
      writer.append(record);
    }
    writer.finish(0);
    const bytes = fs.readFileSync(file);
    // Progress counts the records handed out, not only whole blocks.
    const reader = CaptureReader.open(file);
    for (let i = 0; i < 10; i++) reader.next(record);
    expect(reader.bytesRead).toBe(HEADER_SIZE + 16 + 10 * 64);
    while (reader.next(record));
    expect(reader.bytesRead).toBe(bytes.length);
    reader.close();
    // The header alone: "after its header", not "after block -1".
    fs.writeFileSync(file, bytes.subarray(0, HEADER_SIZE));
    expect(readAll(file).error?.message).toMatch(/the file ends after its header \(0 records\) without its end marker/);
    // Any corrupt header byte, the version's included, is a corrupt header.
    for (const at of [8, 9, 20, 200]) {
      const corrupt = Buffer.from(bytes);
      corrupt[at] ^= 0x01;
      fs.writeFileSync(file, corrupt);
      expect(readAll(file).error?.message, `byte ${at}`).toMatch(/header CRC mismatch: the header is corrupt/);
    }
  });

  it('a block whose write failed part-way is written again over its partial bytes, not after them', () => {
    const file = freshPath();
    const writer = new CaptureWriter(file, { ...START, blockRecords: 4 });
    const record = new MarketDataRecord();
    const original = fs.writeSync;
    let failNext = false;
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buffer: Buffer, offset: number, length: number, position: number) => {
      if (failNext) {
        failNext = false;
        // Half the block reaches the file, then the disk is full.
        original(fd, buffer, offset, length >> 1, position);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return original(fd, buffer, offset, length, position);
    }) as typeof fs.writeSync);
    try {
      for (let i = 0; i < 3; i++) {
        record.sequence = i;
        writer.append(record);
      }
      record.sequence = 3;
      failNext = true;
      expect(() => writer.append(record)).toThrow(/ENOSPC/);
      for (let i = 4; i < 6; i++) {
        record.sequence = i;
        writer.append(record);
      }
      writer.finish(0);
    } finally {
      spy.mockRestore();
    }
    const read = readAll(file);
    expect(read.error).toBeUndefined();
    expect(read.records.map((words) => words[0])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses to overwrite a file unless asked', () => {
    const file = freshPath();
    new CaptureWriter(file, START).finish(0);
    expect(() => new CaptureWriter(file, START)).toThrow(/EEXIST/);
    new CaptureWriter(file, { ...START, overwrite: true }).finish(0);
    expect(readAll(file)).toEqual({ records: [], error: undefined });
  });
});
