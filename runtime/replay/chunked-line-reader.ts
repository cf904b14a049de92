// Lines of a text file read in fixed chunks with fs.readSync, for files of any size (full
// LOBSTER days are gigabytes). A line is handed out as a byte range of the reader's own
// buffer (valid until the next call), so reading allocates nothing per line: a line cut by
// the end of a chunk is moved to the front of the buffer and the rest is read after it.
// "\n" and "\r\n" both end a line; the last line may lack its newline. Lines of up to
// `chunkBytes` bytes are read (the buffer has room for their line end too); a longer one
// is an error at its offset.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ReplayInputError } from './replay-source.ts';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export const DEFAULT_CHUNK_BYTES = 1 << 20;

export class ChunkedLineReader {
  readonly file: string;
  readonly totalBytes: number;
  /** The current line is buffer[lineStart, lineEnd), without its line end. */
  readonly buffer: Buffer;
  lineStart = 0;
  lineEnd = 0;
  /** File offset of the current line's first byte, and its 1-based number. */
  lineOffset = 0;
  lineNumber = 0;
  private fd: number;
  /** buffer[scan, filled) has been read from the file but not yet handed out. */
  private scan = 0;
  private filled = 0;
  /** File offset of buffer[0]. */
  private bufferOffset = 0;
  private endOfFile = false;
  private readonly maxLineBytes: number;

  constructor(file: string, chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.file = file;
    this.fd = openSync(file, 'r');
    this.totalBytes = fstatSync(this.fd).size;
    this.maxLineBytes = chunkBytes;
    this.buffer = Buffer.allocUnsafe(chunkBytes + 2);
  }

  /** Bytes up to the end of the current line (its newline included). */
  get bytesRead(): number {
    return this.bufferOffset + this.scan;
  }

  /** Moves to the next line and returns true, or returns false at the end of the file. */
  next(): boolean {
    for (;;) {
      const end = this.buffer.indexOf(NEWLINE, this.scan);
      if (end !== -1 && end < this.filled) {
        this.take(end, end + 1);
        return true;
      }
      if (this.endOfFile) {
        if (this.scan === this.filled) return false;
        this.take(this.filled, this.filled);
        return true;
      }
      this.refill();
    }
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  /** Hands out buffer[scan, end) as the current line and continues at `after`. */
  private take(end: number, after: number): void {
    const lineEnd = end > this.scan && this.buffer[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    if (lineEnd - this.scan > this.maxLineBytes) this.tooLong();
    this.lineStart = this.scan;
    this.lineEnd = lineEnd;
    this.lineOffset = this.bufferOffset + this.scan;
    this.lineNumber++;
    this.scan = after;
  }

  private tooLong(): never {
    throw new ReplayInputError(this.file, this.bufferOffset + this.scan, `line ${this.lineNumber + 1} is longer than ${this.maxLineBytes} bytes`);
  }

  /** Keeps the unfinished line, moved to the front, and reads after it. */
  private refill(): void {
    if (this.fd < 0) throw new Error(`${this.file} is closed`);
    const kept = this.filled - this.scan;
    if (kept === this.buffer.length) this.tooLong();
    this.buffer.copyWithin(0, this.scan, this.filled);
    this.bufferOffset += this.scan;
    this.scan = 0;
    this.filled = kept;
    const read = readSync(this.fd, this.buffer, kept, this.buffer.length - kept, this.bufferOffset + kept);
    if (read === 0) this.endOfFile = true;
    this.filled += read;
  }
}
