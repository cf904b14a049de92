// Reads a LOBSTER message file (conventions in runtime/book/lobster.ts) into one reusable
// OrderEvent per line, straight from the bytes of a chunked read: files of any size, no
// string per line. The first malformed line throws ReplayInputError with that line's byte
// offset (and its number in the text); every line before it has been returned.
import { ChunkedLineReader, DEFAULT_CHUNK_BYTES } from './chunked-line-reader.ts';
import { CsvNumberCursor } from './csv-number-cursor.ts';
import { OrderEventType, emptyOrderEvent, type OrderEvent } from './order-event.ts';
import { ReplayInputError } from './replay-source.ts';

export interface LobsterMessageReaderOptions {
  /** Written into every event. */
  instrumentId?: number;
  chunkBytes?: number;
}

const FIELD_NAMES = ['time', 'type', 'order id', 'size', 'price', 'direction'] as const;
const SHOWN_LINE_BYTES = 120;
const COMMA = 0x2c;

export class LobsterMessageReader {
  /** The last line read, overwritten by each next(). */
  readonly event: OrderEvent = emptyOrderEvent();
  private readonly lines: ChunkedLineReader;
  private readonly cursor = new CsvNumberCursor();

  constructor(file: string, options: LobsterMessageReaderOptions = {}) {
    this.lines = new ChunkedLineReader(file, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.event.instrumentId = options.instrumentId ?? 0;
  }

  get file(): string {
    return this.lines.file;
  }
  get bytesRead(): number {
    return this.lines.bytesRead;
  }
  get totalBytes(): number {
    return this.lines.totalBytes;
  }
  /** 1-based number of the last line read. */
  get lineNumber(): number {
    return this.lines.lineNumber;
  }

  /** Reads the next line into `event` and returns true, or returns false at the end. */
  next(): boolean {
    const lines = this.lines;
    if (!lines.next()) return false;
    const cursor = this.cursor.reset(lines.buffer, lines.lineStart, lines.lineEnd);
    const event = this.event;
    if (!cursor.secondsAsNs() || !cursor.comma()) this.fail(0);
    event.timeOfDayNs = cursor.value;
    this.field(1);
    const type = cursor.value;
    if (type < OrderEventType.add || type > OrderEventType.tradingStatus) this.fail(1, `unknown event type ${type}`);
    this.field(2);
    event.orderId = cursor.value;
    this.field(3);
    event.size = cursor.value;
    this.field(4);
    event.price = cursor.value;
    if (!cursor.integer() || !cursor.atEnd()) this.fail(5);
    const direction = cursor.value;
    if (direction !== 1 && direction !== -1) this.fail(5, `direction ${direction} is neither 1 nor -1`);
    event.type = type;
    event.direction = direction;
    return true;
  }

  close(): void {
    this.lines.close();
  }

  /** An integer field followed by its comma, left in cursor.value (see CsvNumberCursor). */
  private field(index: number): void {
    const cursor = this.cursor;
    if (!cursor.integer() || !cursor.comma()) this.fail(index);
  }

  private fail(field: number, problem?: string): never {
    const lines = this.lines;
    const text = lines.buffer.toString('latin1', lines.lineStart, Math.min(lines.lineEnd, lines.lineStart + SHOWN_LINE_BYTES));
    const what = problem ?? this.fieldProblem(field);
    throw new ReplayInputError(lines.file, lines.lineOffset, `line ${lines.lineNumber}: ${what} in "${text}"`);
  }

  private fieldProblem(field: number): string {
    const lines = this.lines;
    if (lines.lineStart === lines.lineEnd) return 'empty line';
    let fields = 1;
    for (let at = lines.lineStart; at < lines.lineEnd; at++) if (lines.buffer[at] === COMMA) fields++;
    if (fields !== FIELD_NAMES.length) return `expected ${FIELD_NAMES.length} fields, found ${fields}`;
    return `malformed ${FIELD_NAMES[field]} (field ${field + 1} of ${FIELD_NAMES.length})`;
  }
}
