// Decodes the NDJSON feed from chunks split anywhere (a multi-byte character too). A line
// that is not a valid record costs only that line: it is counted and skipped.
import { StringDecoder } from 'node:string_decoder';
import { MarketDataRecord } from '../record/market-data-record.ts';
import { RecordFormatError, recordFieldsFromJson } from '../record/record-json.ts';
import type { FeedDecoder, FeedEvents } from './feed-events.ts';
import type { FeedHello } from './feed-protocol.ts';

/** A "line" longer than this without a newline is garbage; it is dropped, not buffered. */
export const MAX_LINE_LENGTH = 64 * 1024;

export class NdjsonFeedDecoder implements FeedDecoder {
  private readonly events: FeedEvents;
  private readonly text = new StringDecoder('utf8');
  private partial = '';
  private discarding = false;
  private readonly record = new MarketDataRecord();

  constructor(events: FeedEvents) {
    this.events = events;
  }

  push(chunk: Buffer): void {
    const text = this.partial + this.text.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (this.discarding) this.discarding = false;
      else this.line(text.slice(start, end));
      start = end + 1;
    }
    this.partial = text.slice(start);
    if (this.partial.length > MAX_LINE_LENGTH) {
      if (!this.discarding) this.events.onMalformed(`line longer than ${MAX_LINE_LENGTH} characters`);
      this.discarding = true;
      this.partial = '';
    }
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
        const beat = object.heartbeat as { offsetNs?: unknown; next?: unknown };
        if (typeof beat.offsetNs === 'number' && typeof beat.next === 'number') events.onHeartbeat(beat.offsetNs, beat.next);
        else events.onMalformed('heartbeat without offsetNs and next');
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
