// The receiving side of both ring impls: a BroadcastReceiver polled until the writer has
// marked the end of the stream and the ring is drained; busy-polled, or with an idle
// strategy after each empty poll (the relay bench's reader shares its core with the relay).
//
// Flat out, the clock (40 ns) is read per poll batch, not per record: every SAMPLE_EVERY
// records, and at each switch from data to an empty poll, when the reader has time to
// spare. Paced, every record's receipt is timed anyway, for its latency.
import type { IdleStrategy } from '../../runtime/agent/idle-strategy.ts';
import { monotonicNs } from '../../runtime/clock/clock.ts';
import type { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { BroadcastReceiver, type StartPosition } from '../../runtime/ring/broadcast-receiver.ts';
import type { RingMemory } from '../../runtime/ring/ring-memory.ts';
import { ReceiveMeasurement } from '../lib/receive-measurement.ts';
import type { ReceiveResult } from '../lib/result-rows.ts';
import { isPaced, type LoadSpec } from '../lib/load-spec.ts';

const SAMPLE_EVERY = 16_384;
/** Empty polls between looks at the clock for the deadline. */
const DEADLINE_CHECK_MASK = 1023;
/** How long after its own time is up a writer may take to mark the end. */
const WRITER_GRACE_NS = 10e9;

export interface RingReadOptions {
  /** Before the writer starts, from the oldest record (default); attached to a live ring (the relay bench), from the latest. */
  start?: StartPosition;
  /** Called after each empty poll (its sleeps are not taken); none = busy-poll. */
  idle?: IdleStrategy;
}

/** Sets up a reader; the function returned reads until the end. */
export async function prepareRingRead(ring: RingMemory, load: LoadSpec, options: RingReadOptions = {}): Promise<(hasEnded: () => boolean) => ReceiveResult> {
  const measurement = await ReceiveMeasurement.create(load.warmupNs, isPaced(load));
  const read = new RingRead(new BroadcastReceiver(ring, options.start ?? 'oldest'), measurement, isPaced(load), options.idle);
  return (hasEnded) => read.run(hasEnded, monotonicNs() + load.warmupNs + load.durationNs + WRITER_GRACE_NS);
}

class RingRead {
  private readonly receiver: BroadcastReceiver;
  private readonly measurement: ReceiveMeasurement;
  private readonly paced: boolean;
  private readonly idle: IdleStrategy | undefined;
  private received = 0;

  constructor(receiver: BroadcastReceiver, measurement: ReceiveMeasurement, paced: boolean, idle: IdleStrategy | undefined) {
    this.receiver = receiver;
    this.measurement = measurement;
    this.paced = paced;
    this.idle = idle;
  }

  private readonly timeEachRecord = (record: MarketDataRecord): void => {
    const now = monotonicNs();
    this.measurement.recordLatency(record.publishTimeNs, now);
    this.measurement.sampleRate(now, ++this.received);
  };

  private readonly countPerPoll = (): void => {};

  run(hasEnded: () => boolean, deadlineNs: number): ReceiveResult {
    const receiver = this.receiver;
    const measurement = this.measurement;
    const paced = this.paced;
    const idle = this.idle;
    const handler = paced ? this.timeEachRecord : this.countPerPoll;
    let nextSampleAt = 1;
    let hadData = false;
    let endSeen = false;
    let emptyPolls = 0;
    for (;;) {
      const delivered = receiver.poll(handler);
      if (delivered > 0) {
        if (!paced) {
          this.received += delivered;
          hadData = true;
          if (this.received >= nextSampleAt) {
            measurement.sampleRate(monotonicNs(), this.received);
            nextSampleAt = this.received + SAMPLE_EVERY;
          }
        }
        continue;
      }
      if (hadData) {
        measurement.sampleRate(monotonicNs(), this.received);
        hadData = false;
      }
      // An empty poll after the end mark was seen: everything published has been read.
      if (endSeen) break;
      endSeen = hasEnded();
      idle?.idle();
      if ((++emptyPolls & DEADLINE_CHECK_MASK) === 0 && monotonicNs() > deadlineNs) {
        throw new Error('the writer never marked the end of the stream');
      }
    }
    return measurement.result(this.received, receiver.lostRecords);
  }
}
