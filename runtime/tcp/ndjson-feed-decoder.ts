// Decodes the NDJSON feed from chunks split anywhere. Lines are found in the bytes (a
// newline never occurs inside a multi-byte UTF-8 character), so only complete lines are
// ever decoded. A record line in the server's canonical form is read straight from the
// bytes (CanonicalRecordJsonReader); any other line goes through JSON.parse. A line that is
// neither a record nor a hello, heartbeat, gap or error costs only itself: counted and skipped.
import { MarketDataRecord } from '../record/market-data-record.ts';
import { CanonicalRecordJsonReader } from '../record/record-json-reader.ts';
import { RecordFormatError, recordFieldsFromJson } from '../record/record-json.ts';
import type { FeedDecoder, FeedEvents } from './feed-events.ts';
import type { FeedHello } from './feed-protocol.ts';

/** A "line" longer than this without a newline is garbage; it is dropped, not buffered. */
export const MAX_LINE_LENGTH = 64 * 1024;
const NEWLINE = 0x0a;

export class NdjsonFeedDecoder implements FeedDecoder {
  private readonly events: FeedEvents;
  /** The start of a line whose end has not arrived yet. */
  private partial: Buffer | undefined;
  /** Inside an overlong line: skip up to its newline. */
  private discarding = false;
  private readonly record = new MarketDataRecord();
  private readonly reader = new CanonicalRecordJsonReader();

  constructor(events: FeedEvents) {
    this.events = events;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.partial !== undefined || this.discarding) {
      // Finish the line begun in an earlier chunk: join only its bytes, not the chunk.
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        if (!this.discarding) this.keepPartial(Buffer.concat([this.partial!, chunk]), 0);
        return;
      }
      if (this.discarding) this.discarding = false;
      else this.lines(Buffer.concat([this.partial!, chunk.subarray(0, newline + 1)]), 0);
      this.partial = undefined;
      start = newline + 1;
    }
    this.keepPartial(chunk, this.lines(chunk, start));
  }

  /** Handles every complete line from start on; returns where the incomplete rest begins. */
  private lines(data: Buffer, start: number): number {
    const length = data.length;
    while (start < length) {
      // The feed's own lines: parsed where they start, no search for the newline first.
      const end = this.reader.read(data, start, length, this.record);
      if (end !== -1 && end < length && data[end] === NEWLINE) {
        this.events.onRecord(this.record);
        start = end + 1;
        continue;
      }
      const newline = data.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.line(data.toString('utf8', start, newline));
      start = newline + 1;
    }
    return start;
  }

  private keepPartial(data: Buffer, start: number): void {
    this.partial = undefined;
    const rest = data.length - start;
    if (rest === 0) return;
    if (rest > MAX_LINE_LENGTH) {
      this.events.onMalformed(`line longer than ${MAX_LINE_LENGTH} characters`);
      this.discarding = true;
      return;
    }
    // A copy: keeping a view would pin the whole chunk for a few bytes.
    this.partial = Buffer.from(data.subarray(start));
  }

  private line(line: string): void {
    if (line.trim() === '') return;
    const events = this.events;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      events.onMalformed(`not JSON: ${line.slice(0, 80)}`);
      return;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const object = value as Record<string, unknown>;
      if ('hello' in object) {
        events.onHello(object.hello as FeedHello);
        return;
      }
      if ('heartbeat' in object) {
        const beat = object.heartbeat as { offsetNs?: unknown; next?: unknown; subscriptionNext?: unknown };
        if (typeof beat.offsetNs === 'number' && typeof beat.next === 'number' && typeof beat.subscriptionNext === 'number') {
          events.onHeartbeat(beat.offsetNs, beat.next, beat.subscriptionNext);
        } else events.onMalformed('heartbeat without offsetNs, next and subscriptionNext');
        return;
      }
      if ('gap' in object) {
        const gap = object.gap as { lost?: unknown; subscriptionNext?: unknown };
        if (typeof gap.lost === 'number' && typeof gap.subscriptionNext === 'number') events.onGap(gap.lost, gap.subscriptionNext);
        else events.onMalformed('gap without lost and subscriptionNext');
        return;
      }
      if ('error' in object) {
        events.onServerError(String(object.error));
        return;
      }
    }
    try {
      events.onRecord(this.record.setFields(recordFieldsFromJson(value)));
    } catch (error) {
      if (!(error instanceof RecordFormatError)) throw error;
      events.onMalformed(error.message);
    }
  }
}
