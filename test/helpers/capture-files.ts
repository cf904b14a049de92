// Reading capture files in tests: every record the reader gives (as raw words) and the
// error that stopped it, and the blocks found by walking the file without the reader.
import fs from 'node:fs';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { RECORD_SIZE, RECORD_WORDS } from '../../runtime/record/record-layout.ts';
import { BLOCK_HEADER_SIZE, HEADER_SIZE } from '../../runtime/replay/capture-file.ts';
import { CaptureReader } from '../../runtime/replay/capture-reader.ts';
import { ReplayInputError } from '../../runtime/replay/replay-source.ts';

export function readCapture(file: string): { records: Int32Array[]; error: ReplayInputError | undefined } {
  const records: Int32Array[] = [];
  let reader: CaptureReader;
  try {
    reader = CaptureReader.open(file);
  } catch (error) {
    if (error instanceof ReplayInputError) return { records, error };
    throw error;
  }
  const out = new MarketDataRecord();
  try {
    while (reader.next(out)) records.push(out.words.slice(0, RECORD_WORDS));
    return { records, error: undefined };
  } catch (error) {
    if (error instanceof ReplayInputError) return { records, error };
    throw error;
  } finally {
    reader.close();
  }
}

/** The blocks of a well-formed capture: offset and record count of each. */
export function captureBlocks(file: string): Array<{ at: number; count: number }> {
  const bytes = fs.readFileSync(file);
  const blocks: Array<{ at: number; count: number }> = [];
  let at = HEADER_SIZE;
  while (bytes.toString('latin1', at, at + 4) === 'MFBK') {
    const count = bytes.readUInt32LE(at + 4);
    blocks.push({ at, count });
    at += BLOCK_HEADER_SIZE + count * RECORD_SIZE;
  }
  return blocks;
}

/** The record bytes of a capture, cut out of its blocks without the reader. */
export function rawRecordBytes(file: string): Buffer {
  const bytes = fs.readFileSync(file);
  return Buffer.concat(captureBlocks(file).map(({ at, count }) => bytes.subarray(at + BLOCK_HEADER_SIZE, at + BLOCK_HEADER_SIZE + count * RECORD_SIZE)));
}
