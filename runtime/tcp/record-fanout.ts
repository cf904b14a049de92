// Moves new records from the publisher's ring to its TCP subscribers: one poll of the
// ring per pump, each encoding built once and shared by every subscriber that wants it
// (binary or JSON, all instruments), a filtered one per subscriber with a filter, and
// one socket write per subscriber per pump. It reads the ring through its own broadcast
// cursor, so the SHM path never waits for TCP; if TCP falls a ring behind, its
// subscribers see the gap in the sequence numbers.
import { MarketDataRecord, copyRecordWords } from '../record/market-data-record.ts';
import { RECORD_SIZE, RECORD_WORDS, Word } from '../record/record-layout.ts';
import { MAX_RECORD_JSON_LENGTH, writeRecordJson } from '../record/record-json-writer.ts';
import { BroadcastReceiver } from '../ring/broadcast-receiver.ts';
import type { RingMemory } from '../ring/ring-memory.ts';
import { FRAME_HEADER_SIZE, FrameType, writeFrameHeader } from './feed-protocol.ts';
import type { FeedSubscriber } from './feed-subscriber.ts';

/** Records per pump and per binary frame. */
export const MAX_BATCH = 4096;
const NEWLINE = 0x0a;

export class RecordFanout {
  recordsRead = 0;
  private readonly receiver: BroadcastReceiver;
  private readonly batch = new Int32Array(MAX_BATCH * RECORD_WORDS);
  private readonly batchBytes = new Uint8Array(this.batch.buffer);
  private readonly view = new MarketDataRecord();
  private readonly jsonScratch = Buffer.allocUnsafe(MAX_BATCH * MAX_RECORD_JSON_LENGTH);
  private count = 0;
  private readonly collect = (record: MarketDataRecord): void => {
    copyRecordWords(record.words, record.base, this.batch, this.count * RECORD_WORDS);
    this.count++;
  };

  constructor(ring: RingMemory) {
    this.receiver = new BroadcastReceiver(ring, 'latest');
  }

  /** Records the ring overwrote before the fan-out read them (a gap for every subscriber). */
  get lostRecords(): number {
    return this.receiver.lostRecords;
  }

  get nextSequence(): number {
    return this.receiver.nextSequence;
  }

  /** Sends every new record to every subscriber; returns how many records were read. */
  pump(subscribers: Iterable<FeedSubscriber>): number {
    let total = 0;
    for (;;) {
      this.count = 0;
      const n = this.receiver.poll(this.collect, MAX_BATCH);
      if (n === 0) return total;
      total += n;
      this.recordsRead += n;
      this.send(subscribers, n);
      if (n < MAX_BATCH) return total;
    }
  }

  private send(subscribers: Iterable<FeedSubscriber>, n: number): void {
    let sharedBinary: Encoded | undefined;
    let sharedJson: Encoded | undefined;
    for (const subscriber of subscribers) {
      if (!subscriber.streaming) continue;
      const filter = subscriber.instruments;
      const binary = subscriber.subscription!.encoding === 'binary';
      const encoded =
        filter !== undefined
          ? binary
            ? this.binaryFrame(n, filter)
            : this.jsonLines(n, filter)
          : binary
            ? (sharedBinary ??= this.binaryFrame(n, undefined))
            : (sharedJson ??= this.jsonLines(n, undefined));
      if (encoded.records > 0) subscriber.send(encoded.data, encoded.records);
    }
  }

  /** One frame of the batch's records (those of the filter's instruments). */
  private binaryFrame(n: number, filter: Set<number> | undefined): Encoded {
    const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + n * RECORD_SIZE);
    let kept = 0;
    if (filter === undefined) {
      frame.set(this.batchBytes.subarray(0, n * RECORD_SIZE), FRAME_HEADER_SIZE);
      kept = n;
    } else {
      for (let i = 0; i < n; i++) {
        if (!filter.has(this.batch[i * RECORD_WORDS + Word.instrumentId] >>> 0)) continue;
        frame.set(this.batchBytes.subarray(i * RECORD_SIZE, (i + 1) * RECORD_SIZE), FRAME_HEADER_SIZE + kept * RECORD_SIZE);
        kept++;
      }
    }
    writeFrameHeader(frame, 0, kept * RECORD_SIZE, FrameType.records, kept);
    return { data: frame.subarray(0, FRAME_HEADER_SIZE + kept * RECORD_SIZE), records: kept };
  }

  /** The batch's records (those of the filter's instruments) as NDJSON bytes. */
  private jsonLines(n: number, filter: Set<number> | undefined): Encoded {
    const text = this.jsonScratch;
    const view = this.view;
    let length = 0;
    let kept = 0;
    for (let i = 0; i < n; i++) {
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
