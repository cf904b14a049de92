// Reads a LOBSTER message file (conventions in runtime/book/lobster.ts) into one reusable
// OrderEvent per line, straight from the bytes of a chunked read: files of any size, no
// string per line. The first malformed line throws ReplayInputError with that line's byte
// offset (and its number in the text); every line before it has been returned.
import { DEFAULT_CHUNK_BYTES } from './chunked-line-reader.ts';
import { CsvLineFile } from './csv-line-file.ts';
import { OrderEventType, emptyOrderEvent, type OrderEvent } from './order-event.ts';

export interface LobsterMessageReaderOptions {
  /** Written into every event. */
  instrumentId?: number;
  chunkBytes?: number;
}

const FIELD_NAMES = ['time', 'type', 'order id', 'size', 'price', 'direction'] as const;
const SHOWN_LINE_BYTES = 120;

export class LobsterMessageReader extends CsvLineFile {
  /** The last line read, overwritten by each next(). */
  readonly event: OrderEvent = emptyOrderEvent();

  constructor(file: string, options: LobsterMessageReaderOptions = {}) {
    super(file, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.event.instrumentId = options.instrumentId ?? 0;
  }

  /** Reads the next line into `event` and returns true, or returns false at the end. */
  next(): boolean {
    if (!this.nextLine()) return false;
    const cursor = this.cursor;
    const event = this.event;
    if (!cursor.secondsAsNs() || !cursor.comma()) this.failField(0);
    event.timeOfDayNs = cursor.value;
    this.field(1);
    const type = cursor.value;
    if (type < OrderEventType.add || type > OrderEventType.tradingStatus) this.failField(1, `unknown event type ${type}`);
    this.field(2);
    event.orderId = cursor.value;
    this.field(3);
    event.size = cursor.value;
    this.field(4);
    event.price = cursor.value;
    if (!cursor.integer() || !cursor.atEnd()) this.failField(5);
    const direction = cursor.value;
    if (direction !== 1 && direction !== -1) this.failField(5, `direction ${direction} is neither 1 nor -1`);
    event.type = type;
    event.direction = direction;
    return true;
  }

  /** An integer field followed by its comma, left in cursor.value (see CsvNumberCursor). */
  private field(index: number): void {
    const cursor = this.cursor;
    if (!cursor.integer() || !cursor.comma()) this.failField(index);
  }

  private failField(field: number, problem?: string): never {
    const lines = this.lines;
    const text = lines.buffer.toString('latin1', lines.lineStart, Math.min(lines.lineEnd, lines.lineStart + SHOWN_LINE_BYTES));
    this.fail(`${problem ?? this.fieldProblem(field)} in "${text}"`);
  }

  private fieldProblem(field: number): string {
    if (this.lines.lineStart === this.lines.lineEnd) return 'empty line';
    const fields = this.fieldCount();
    if (fields !== FIELD_NAMES.length) return `expected ${FIELD_NAMES.length} fields, found ${fields}`;
    return `malformed ${FIELD_NAMES[field]} (field ${field + 1} of ${FIELD_NAMES.length})`;
  }
}
