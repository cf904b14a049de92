// The node-local end of a relay: a broadcast segment that holds the publisher's records
// bit-for-bit. It is the tap of the relay's TCP consumer: created at the first hello with
// the ring starting where the stream stands (hello.nextSequence), so a consumer that
// attaches at once sees no false gap; re-created (new epoch) when the publisher restarts,
// so SHM consumers follow the relay exactly as they follow a restarted local publisher;
// kept across reconnects to the same stream, where the records missed arrive as a jump in
// the sequence that SHM consumers count as lost. Beats the heartbeat while the relay
// lives, connected or not; closed and removed at exit.
import type { TcpConsumerTap } from '../consumer/tcp-consumer-process.ts';
import { polledCounter, polledGauge } from '../observability/polled-metrics.ts';
import { retryWhileSegmentInUse } from '../publisher/segment-in-use-wait.ts';
import type { MarketDataRecord } from '../record/market-data-record.ts';
import { SequencedTransmitter } from '../ring/sequenced-transmitter.ts';
import type { Service } from '../service/service.ts';
import { DEFAULT_STALE_AFTER_MS, Segment } from '../shm/segment.ts';
import { HEARTBEAT_INTERVAL_MS } from '../shm/segment-layout.ts';
import type { FeedHello } from '../tcp/feed-protocol.ts';

export interface RelayRingOptions {
  feed: string;
  shmDir: string;
  capacity: number;
  groupAccess: boolean;
}

export class RelayRing implements TcpConsumerTap {
  readonly role = 'relay';
  readonly labels: Record<string, string>;
  /** Segments created: 1, plus one per publisher restart. */
  segmentsCreated = 0;
  private readonly options: RelayRingOptions;
  private service: Service | undefined;
  private segment: Segment | undefined;
  private transmitter: SequencedTransmitter | undefined;
  private upstreamEpoch: number | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Totals of the transmitters of earlier segments. */
  private earlier = { written: 0, skipped: 0, refused: 0 };

  constructor(options: RelayRingOptions) {
    this.options = options;
    this.labels = { feed: options.feed };
  }

  get recordsWritten(): number {
    return this.earlier.written + (this.transmitter?.recordsWritten ?? 0);
  }

  get skippedRecords(): number {
    return this.earlier.skipped + (this.transmitter?.skippedRecords ?? 0);
  }

  get refusedRecords(): number {
    return this.earlier.refused + (this.transmitter?.refusedRecords ?? 0);
  }

  /** Waits, as a publisher does, for a live-looking holder of the segment to go stale; registers the metrics. */
  async started(service: Service): Promise<void> {
    this.service = service;
    const location = { name: this.options.feed, directory: this.options.shmDir };
    await retryWhileSegmentInUse(service, () => Segment.checkCreatable(location));
    const registry = service.registry;
    polledCounter(registry, 'marketfeed_published_records_total', 'Records written into the node-local ring', () => this.recordsWritten);
    polledCounter(registry, 'marketfeed_relay_segments_total', 'Segments created: one per upstream stream (publisher epoch)', () => this.segmentsCreated);
    polledGauge(registry, 'marketfeed_publisher_position', 'Sequence of the next record the ring expects', () => this.transmitter?.nextSequence ?? 0);
  }

  onHello(hello: FeedHello): void {
    if (this.segment !== undefined && hello.epoch === this.upstreamEpoch) return;
    this.replaceSegment(hello);
  }

  onRecord(record: MarketDataRecord): void {
    this.transmitter?.write(record.words, record.base);
  }

  finish(): Record<string, unknown> {
    clearInterval(this.heartbeat);
    const path = this.segment?.path ?? null;
    const epoch = this.segment?.epoch ?? null;
    this.segment?.closeAndRemove();
    return {
      segment: path,
      segmentEpoch: epoch,
      segmentsCreated: this.segmentsCreated,
      recordsWritten: this.recordsWritten,
      recordsSkipped: this.skippedRecords,
      recordsRefused: this.refusedRecords,
    };
  }

  /** A new upstream stream: its sequences start again, so SHM consumers must see a new segment (new epoch). */
  private replaceSegment(hello: FeedHello): void {
    const old = this.segment;
    if (old !== undefined) {
      this.earlier = { written: this.recordsWritten, skipped: this.skippedRecords, refused: this.refusedRecords };
      old.closeAndRemove();
      this.transmitter = undefined;
      clearInterval(this.heartbeat);
    }
    const { segment } = Segment.create({
      name: this.options.feed,
      directory: this.options.shmDir,
      capacity: this.options.capacity,
      mode: 'broadcast',
      groupAccess: this.options.groupAccess,
      staleAfterMs: DEFAULT_STALE_AFTER_MS,
      firstSequence: hello.nextSequence,
    });
    this.segment = segment;
    this.transmitter = new SequencedTransmitter(segment.ring());
    this.upstreamEpoch = hello.epoch;
    this.segmentsCreated++;
    this.heartbeat = setInterval(() => segment.beat(), HEARTBEAT_INTERVAL_MS);
    this.service?.logger.info(
      { path: segment.path, epoch: segment.epoch, capacity: this.options.capacity, upstreamFeed: hello.feed, upstreamEpoch: hello.epoch, firstSequence: hello.nextSequence },
      old === undefined ? 'relaying' : 'publisher restarted: relaying the new stream into a new segment',
    );
  }
}
