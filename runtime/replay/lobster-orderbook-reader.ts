// Reads a LOBSTER orderbook file (line k = the book after message k: askPrice1, askSize1,
// bidPrice1, bidSize1, askPrice2, …) into one reusable LobsterBookRow, from the bytes of
// a chunked read like the message reader. The first line fixes the number of levels;
// every later line must have as many.
import type { LobsterBookRow } from '../book/lobster.ts';
import { DEFAULT_CHUNK_BYTES } from './chunked-line-reader.ts';
import { CsvLineFile } from './csv-line-file.ts';

const FIELDS_PER_LEVEL = 4;

export class LobsterOrderbookReader extends CsvLineFile {
  /** The last line read; allocated at the first line, overwritten by each next(). */
  row: LobsterBookRow = levelsRow(0);

  constructor(file: string, chunkBytes = DEFAULT_CHUNK_BYTES) {
    super(file, chunkBytes);
  }

  next(): boolean {
    if (!this.nextLine()) return false;
    if (this.lineNumber === 1) this.row = levelsRow(this.levelsOfFirstLine());
    const cursor = this.cursor;
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
    const fields = this.fieldCount();
    if (fields % FIELDS_PER_LEVEL !== 0) this.fail(`expected 4 fields per level, found ${fields} fields`);
    return fields / FIELDS_PER_LEVEL;
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
