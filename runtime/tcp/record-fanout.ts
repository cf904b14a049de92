// Moves new records from the publisher's ring to its TCP subscribers: one poll of the
// ring per pump, each encoding built once and shared by every subscriber that wants it
// (binary or JSON, all instruments), a filtered one per subscriber with a filter, and
// one socket write per subscriber per pump. It reads the ring through its own broadcast
// cursor, so the SHM path never waits for TCP.
//
// It keeps each subscriber's subscription sequence: the number of the subscription's
// records before the next one it sends (for every instrument, the record's own sequence;
// with a filter, the count of the filter's records, from per-instrument counts of what it
// has read). If the ring's writer laps it (FanoutGuardedTransmitter prevents that in the
// publisher), the records it lost are of unknown instruments: each subscriber gets a gap
// marker at that point of its stream, and every filtered subscription counts them all as
// its own, an upper bound, so that a loss is never hidden.
import { MarketDataRecord, copyRecordWords } from '../record/market-data-record.ts';
import { RECORD_SIZE, RECORD_WORDS, Word } from '../record/record-layout.ts';
import { MAX_RECORD_JSON_LENGTH, writeRecordJson } from '../record/record-json-writer.ts';
import { BroadcastReceiver } from '../ring/broadcast-receiver.ts';
import type { RingMemory } from '../ring/ring-memory.ts';
import { encodeGap } from './feed-greetings.ts';
import { FRAME_HEADER_SIZE, FrameType, writeFrameHeader, type FeedEncoding } from './feed-protocol.ts';
import { InstrumentCounts } from './instrument-counts.ts';

/** Records per pump and per binary frame. */
export const MAX_BATCH = 4096;
const NEWLINE = 0x0a;

/** What the fan-out needs of a subscriber. */
export interface FanoutSubscriber {
  readonly streaming: boolean;
  readonly encoding: FeedEncoding;
  /** Instrument filter, undefined = all. */
  readonly instruments: ReadonlySet<number> | undefined;
  /** Subscription sequence of the next record of its subscription; kept by the fan-out. */
  nextSubscriptionSequence: number;
  send(data: Buffer | string, records: number): void;
}

export class RecordFanout {
  recordsRead = 0;
  /** Ring slots: the most records the writer may publish between two pumps without lapping the fan-out. */
  readonly capacity: number;
  private readonly receiver: BroadcastReceiver;
  private readonly counts = new InstrumentCounts();
  private readonly batch = new Int32Array(MAX_BATCH * RECORD_WORDS);
  private readonly batchBytes = new Uint8Array(this.batch.buffer);
  private readonly view = new MarketDataRecord();
  private readonly jsonScratch = Buffer.allocUnsafe(MAX_BATCH * MAX_RECORD_JSON_LENGTH);
  private count = 0;
  private readonly collect = (record: MarketDataRecord): void => {
    const at = this.count * RECORD_WORDS;
    copyRecordWords(record.words, record.base, this.batch, at);
    this.counts.increment(this.batch[at + Word.instrumentId] >>> 0);
    this.count++;
  };

  constructor(ring: RingMemory) {
    this.receiver = new BroadcastReceiver(ring, 'latest');
    this.capacity = ring.capacity;
  }

  /** Records the ring overwrote before the fan-out read them (a gap for every subscriber). */
  get lostRecords(): number {
    return this.receiver.lostRecords;
  }

  get nextSequence(): number {
    return this.receiver.nextSequence;
  }

  /** Sets where a new subscriber's subscription stands (what its hello announces) and returns it. */
  startSubscription(subscriber: FanoutSubscriber): number {
    const filter = subscriber.instruments;
    // Records lost to a lap are of unknown instruments: counted in every filtered subscription.
    const next = filter === undefined ? this.receiver.nextSequence : this.counts.sum(filter) + this.receiver.lostRecords;
    subscriber.nextSubscriptionSequence = next;
    return next;
  }

  /** Sends every new record to every subscriber; returns how many records were read. */
  pump(subscribers: Iterable<FanoutSubscriber>): number {
    let total = 0;
    for (;;) {
      this.count = 0;
      const from = this.receiver.nextSequence;
      const lostBefore = this.receiver.lostRecords;
      const n = this.receiver.poll(this.collect, MAX_BATCH);
      const lapped = this.receiver.lostRecords - lostBefore;
      if (n === 0 && lapped === 0) return total;
      total += n;
      this.recordsRead += n;
      if (lapped === 0) this.send(subscribers, 0, n);
      else this.sendAcrossLaps(subscribers, from);
      if (n < MAX_BATCH) return total;
    }
  }

  /** The batch, with a gap marker wherever its sequence jumps (and after it, if the lap came last). */
  private sendAcrossLaps(subscribers: Iterable<FanoutSubscriber>, from: number): void {
    let expected = from;
    let start = 0;
    for (let i = 0; i < this.count; i++) {
      const sequence = this.view.wrap(this.batch, i * RECORD_WORDS).sequence;
      if (sequence !== expected) {
        this.send(subscribers, start, i);
        this.gap(subscribers, sequence - expected);
        start = i;
      }
      expected = sequence + 1;
    }
    this.send(subscribers, start, this.count);
    if (this.receiver.nextSequence > expected) this.gap(subscribers, this.receiver.nextSequence - expected);
  }

  private gap(subscribers: Iterable<FanoutSubscriber>, lost: number): void {
    for (const subscriber of subscribers) {
      if (!subscriber.streaming) continue;
      subscriber.nextSubscriptionSequence += lost;
      subscriber.send(encodeGap(subscriber.encoding, lost, subscriber.nextSubscriptionSequence), 0);
    }
  }

  /** Records [start, end) of the batch, which has no jump in sequence. */
  private send(subscribers: Iterable<FanoutSubscriber>, start: number, end: number): void {
    if (end === start) return;
    let sharedBinary: Encoded | undefined;
    let sharedJson: Encoded | undefined;
    for (const subscriber of subscribers) {
      if (!subscriber.streaming) continue;
      const filter = subscriber.instruments;
      const binary = subscriber.encoding === 'binary';
      const encoded =
        filter !== undefined
          ? binary
            ? this.binaryFrame(start, end, filter)
            : this.jsonLines(start, end, filter)
          : binary
            ? (sharedBinary ??= this.binaryFrame(start, end, undefined))
            : (sharedJson ??= this.jsonLines(start, end, undefined));
      subscriber.nextSubscriptionSequence += encoded.records;
      if (encoded.records > 0) subscriber.send(encoded.data, encoded.records);
    }
  }

  /** One frame of the records (those of the filter's instruments). */
  private binaryFrame(start: number, end: number, filter: ReadonlySet<number> | undefined): Encoded {
    const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + (end - start) * RECORD_SIZE);
    let kept = 0;
    if (filter === undefined) {
      frame.set(this.batchBytes.subarray(start * RECORD_SIZE, end * RECORD_SIZE), FRAME_HEADER_SIZE);
      kept = end - start;
    } else {
      for (let i = start; i < end; i++) {
        if (!filter.has(this.batch[i * RECORD_WORDS + Word.instrumentId] >>> 0)) continue;
        frame.set(this.batchBytes.subarray(i * RECORD_SIZE, (i + 1) * RECORD_SIZE), FRAME_HEADER_SIZE + kept * RECORD_SIZE);
        kept++;
      }
    }
    writeFrameHeader(frame, 0, kept * RECORD_SIZE, FrameType.records, kept);
    return { data: frame.subarray(0, FRAME_HEADER_SIZE + kept * RECORD_SIZE), records: kept };
  }

  /** The records (those of the filter's instruments) as NDJSON bytes. */
  private jsonLines(start: number, end: number, filter: ReadonlySet<number> | undefined): Encoded {
    const text = this.jsonScratch;
    const view = this.view;
    let length = 0;
    let kept = 0;
    for (let i = start; i < end; i++) {
      view.wrap(this.batch, i * RECORD_WORDS);
      if (filter !== undefined && !filter.has(view.instrumentId)) continue;
      length = writeRecordJson(view, text, length);
      text[length++] = NEWLINE;
      kept++;
    }
    // A copy: the socket may hold on to what it is given while the scratch is reused.
    const data = Buffer.allocUnsafe(length);
    text.copy(data, 0, 0, length);
    return { data, records: kept };
  }
}

interface Encoded {
  data: Buffer;
  records: number;
}
