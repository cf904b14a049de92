// Reads a LOBSTER orderbook file (line k = the book after message k: askPrice1, askSize1,
// bidPrice1, bidSize1, askPrice2, …) into one reusable LobsterBookRow, from the bytes of
// a chunked read like the message reader. The first line fixes the number of levels;
// every later line must have as many.
import type { LobsterBookRow } from '../book/lobster.ts';
import { ChunkedLineReader, DEFAULT_CHUNK_BYTES } from './chunked-line-reader.ts';
import { CsvNumberCursor } from './csv-number-cursor.ts';
import { ReplayInputError } from './replay-source.ts';

const COMMA = 0x2c;
const FIELDS_PER_LEVEL = 4;

export class LobsterOrderbookReader {
  /** The last line read; allocated at the first line, overwritten by each next(). */
  row: LobsterBookRow = levelsRow(0);
  private readonly lines: ChunkedLineReader;
  private readonly cursor = new CsvNumberCursor();

  constructor(file: string, chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.lines = new ChunkedLineReader(file, chunkBytes);
  }

  get file(): string {
    return this.lines.file;
  }
  get bytesRead(): number {
    return this.lines.bytesRead;
  }
  /** 1-based number of the last line read. */
  get lineNumber(): number {
    return this.lines.lineNumber;
  }

  next(): boolean {
    const lines = this.lines;
    if (!lines.next()) return false;
    if (lines.lineNumber === 1) this.row = levelsRow(this.levelsOfFirstLine());
    const cursor = this.cursor.reset(lines.buffer, lines.lineStart, lines.lineEnd);
    const row = this.row;
    const levels = row.askPrices.length;
    for (let level = 0; level < levels; level++) {
      const first = level * FIELDS_PER_LEVEL;
      this.field(first);
      row.askPrices[level] = cursor.value;
      this.field(first + 1);
      row.askSizes[level] = cursor.value;
      this.field(first + 2);
      row.bidPrices[level] = cursor.value;
      this.field(first + 3);
      row.bidSizes[level] = cursor.value;
    }
    if (!cursor.atEnd()) this.fail(`more than ${levels * FIELDS_PER_LEVEL} fields (${levels} levels, as on line 1)`);
    return true;
  }

  close(): void {
    this.lines.close();
  }

  /** Field `index` (0-based) of the line, after its comma, left in cursor.value (see CsvNumberCursor). */
  private field(index: number): void {
    const cursor = this.cursor;
    if (index > 0 && !cursor.comma()) {
      if (cursor.atEnd()) this.fail(`${index} fields, expected ${this.row.askPrices.length * FIELDS_PER_LEVEL}`);
      this.fail(`malformed field ${index}`);
    }
    if (!cursor.integer()) this.fail(`malformed field ${index + 1}`);
  }

  private levelsOfFirstLine(): number {
    const lines = this.lines;
    let fields = 1;
    for (let at = lines.lineStart; at < lines.lineEnd; at++) if (lines.buffer[at] === COMMA) fields++;
    if (fields % FIELDS_PER_LEVEL !== 0) this.fail(`expected 4 fields per level, found ${fields} fields`);
    return fields / FIELDS_PER_LEVEL;
  }

  private fail(problem: string): never {
    const lines = this.lines;
    throw new ReplayInputError(lines.file, lines.lineOffset, `line ${lines.lineNumber}: ${problem}`);
  }
}

function levelsRow(levels: number): LobsterBookRow {
  return {
    askPrices: new Float64Array(levels),
    askSizes: new Float64Array(levels),
    bidPrices: new Float64Array(levels),
    bidSizes: new Float64Array(levels),
  };
}
