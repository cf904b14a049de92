// Streams a file front to back through one reusable buffer with synchronous reads (a
// busy-polling agent has nothing else to do while it waits for the disk, and the page
// cache usually answers at once). Callers ask for the next n bytes, look at them in
// place, and consume them; files of any size need only the buffer's memory.
import fs from 'node:fs';

export class SequentialFileReader {
  /** The bytes; the next unconsumed byte is at `start`. Its 4-byte alignment is kept (for Int32Array views). */
  readonly buffer: Buffer;
  /** As 32-bit words, over the same memory. */
  readonly words: Int32Array;
  start = 0;
  /** File offset of buffer[start]: bytes consumed so far. */
  position = 0;
  readonly size: number;
  private readonly fd: number;
  private end = 0;

  constructor(fd: number, size: number, bufferBytes: number, startPosition = 0) {
    this.fd = fd;
    this.size = size;
    this.position = startPosition;
    const memory = new ArrayBuffer(Math.ceil(bufferBytes / 4) * 4);
    this.buffer = Buffer.from(memory);
    this.words = new Int32Array(memory);
  }

  /** Bytes available at `start` after trying to have `length` of them: less only at the end of the file. */
  fill(length: number): number {
    if (this.end - this.start >= length) return length;
    if (length > this.buffer.length) throw new RangeError(`asked for ${length} bytes, buffer holds ${this.buffer.length}`);
    if (this.start > 0) {
      // Move what is left to the front (start stays 4-aligned: every consume is a multiple of 4, the tail excepted).
      this.buffer.copy(this.buffer, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    while (this.end < length) {
      const read = fs.readSync(this.fd, this.buffer, this.end, this.buffer.length - this.end, this.position + this.end);
      if (read === 0) break;
      this.end += read;
    }
    return Math.min(length, this.end);
  }

  consume(length: number): void {
    this.start += length;
    this.position += length;
  }
}
