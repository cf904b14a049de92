// What the LOBSTER message and orderbook readers share: a file read line by line in chunks,
// a cursor over the current line's numbers, and errors that name the line's byte offset
// and number.
import { ChunkedLineReader } from './chunked-line-reader.ts';
import { CsvNumberCursor } from './csv-number-cursor.ts';
import { ReplayInputError } from './replay-source.ts';

export abstract class CsvLineFile {
  protected readonly lines: ChunkedLineReader;
  protected readonly cursor = new CsvNumberCursor();

  constructor(file: string, chunkBytes: number) {
    this.lines = new ChunkedLineReader(file, chunkBytes);
  }

  get file(): string {
    return this.lines.file;
  }
  /** Bytes up to the end of the last line read, and the file's size. */
  get bytesRead(): number {
    return this.lines.bytesRead;
  }
  get totalBytes(): number {
    return this.lines.totalBytes;
  }
  /** 1-based number of the last line read, and the file offset of its first byte. */
  get lineNumber(): number {
    return this.lines.lineNumber;
  }
  get lineOffset(): number {
    return this.lines.lineOffset;
  }

  close(): void {
    this.lines.close();
  }

  /** Moves to the next line with the cursor at its start, or returns false at the end. */
  protected nextLine(): boolean {
    const lines = this.lines;
    if (!lines.next()) return false;
    this.cursor.reset(lines.buffer, lines.lineStart, lines.lineEnd);
    return true;
  }

  /** Commas in the current line plus one. */
  protected fieldCount(): number {
    const lines = this.lines;
    let fields = 1;
    for (let at = lines.lineStart; at < lines.lineEnd; at++) if (lines.buffer[at] === 0x2c) fields++;
    return fields;
  }

  protected fail(problem: string): never {
    const lines = this.lines;
    throw new ReplayInputError(lines.file, lines.lineOffset, `line ${lines.lineNumber}: ${problem}`);
  }
}
