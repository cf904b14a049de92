// Where a consumer's records go, whatever the transport: count them, follow their
// sequence numbers (gaps, out of order), record one-way latency, and optionally verify
// each payload against the regenerated stream.
//
// Receipt time is read once per batch, at the first record after the transport has
// seen the batch (so never before any record of it was published); later records of a
// batch are timed at that instant, which understates their latency by the time spent on
// the records before them (~20-50 ns each). At paced rates batches hold one record.
import type { NanoClock } from '../clock/clock.ts';
import type { MarketDataRecord } from '../record/market-data-record.ts';
import { RecordType } from '../record/record-layout.ts';
import type { LatencyRecorder } from '../stats/latency-recorder.ts';
import { SequenceTracker } from '../stats/sequence-tracker.ts';
import type { StreamVerifier } from './stream-verifier.ts';

export interface RecordSinkOptions {
  latency: LatencyRecorder;
  clock: NanoClock;
  /** Record the latency of one record in this many (1 = every record). */
  latencySampleEvery?: number;
  verifier?: StreamVerifier;
  /** Called for each record after accounting (e.g. by library users). */
  onRecord?: (record: MarketDataRecord) => void;
  /**
   * Given when the transport follows the sequence itself (TCP: positions within an
   * instrument filter, losses the server reports); the sink then only reports it.
   */
  sequences?: SequenceTracker;
}

export class RecordSink {
  records = 0;
  /** Of the records, how many were trades (type 2); the rest are quotes. */
  trades = 0;
  readonly sequences: SequenceTracker;
  readonly latency: LatencyRecorder;
  readonly verifier: StreamVerifier | undefined;
  private readonly clock: NanoClock;
  private readonly sampleEvery: number;
  private readonly onRecord: ((record: MarketDataRecord) => void) | undefined;
  private readonly followsSequences: boolean;
  private countdown: number;
  private batchTimeNs = 0;

  constructor(options: RecordSinkOptions) {
    this.latency = options.latency;
    this.clock = options.clock;
    this.sampleEvery = Math.max(1, options.latencySampleEvery ?? 1);
    this.countdown = this.sampleEvery;
    this.verifier = options.verifier;
    this.onRecord = options.onRecord;
    this.followsSequences = options.sequences === undefined;
    this.sequences = options.sequences ?? new SequenceTracker();
  }

  /** The transport is about to hand over a new batch. */
  beginBatch(): void {
    this.batchTimeNs = 0;
  }

  /** A new stream (publisher restarted): sequence numbers start again. */
  newStream(): void {
    if (this.followsSequences) this.sequences.reset();
    this.verifier?.reset();
  }

  readonly handle = (record: MarketDataRecord): void => {
    this.records++;
    if (record.type === RecordType.trade) this.trades++;
    if (this.followsSequences) this.sequences.observe(record.sequence);
    if (--this.countdown === 0) {
      this.countdown = this.sampleEvery;
      if (this.batchTimeNs === 0) this.batchTimeNs = this.clock();
      this.latency.record(this.batchTimeNs - record.publishTimeNs);
    }
    this.verifier?.check(record);
    this.onRecord?.(record);
  };
}
