// The sending side of every bench impl, through the impl's RecordTransmitter, for the
// warm-up plus the measured time. Paced: what is due is floor(elapsed × rate) − sent,
// each record stamped when written; a stall is caught up in a burst, so the long-run rate
// is exact. Flat out: chunks of CHUNK records. A transmitter that is full (a
// flow-controlled peer) ends the burst; the sender looks at the clock and tries again.
//
// Records are filled with record.setQuote from a counter, not by the QuoteGenerator: the
// generator costs ~25 ns a record (~17 M/s on one core by itself), more than the ring, and
// would measure itself instead of the channel.
import { monotonicNs } from '../../runtime/clock/clock.ts';
import type { Agent } from '../../runtime/agent/agent-runner.ts';
import type { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { PRICE_SCALE, RecordType } from '../../runtime/record/record-layout.ts';
import type { RecordTransmitter } from '../../runtime/ring/record-transmitter.ts';
import type { LoadSpec } from './load-spec.ts';

/** Records between looks at the clock (and the most sent in one catch-up burst). */
const CHUNK = 1024;
const INSTRUMENT_MASK = 1023;
const BASE_PRICE = 100 * PRICE_SCALE;
const TICK = PRICE_SCALE / 100;

/** Sends a load as an agent: each doWork() sends what is due; done when the time is up. */
export class LoadSender implements Agent {
  sent = 0;
  private readonly transmitter: RecordTransmitter;
  private readonly paced: boolean;
  private readonly ratePerNs: number;
  private readonly spanNs: number;
  private startNs = -1;
  private endNs = Infinity;
  private finished = false;

  constructor(transmitter: RecordTransmitter, load: LoadSpec) {
    this.transmitter = transmitter;
    this.paced = load.ratePerS !== undefined;
    this.ratePerNs = (load.ratePerS ?? 0) / 1e9;
    this.spanNs = load.warmupNs + load.durationNs;
  }

  isDone(): boolean {
    return this.finished;
  }

  doWork(): number {
    const now = monotonicNs();
    if (this.startNs < 0) {
      this.startNs = now;
      this.endNs = now + this.spanNs;
    }
    if (now >= this.endNs) {
      this.finished = true;
      return 0;
    }
    const paced = this.paced;
    const transmitter = this.transmitter;
    const due = paced ? Math.min(CHUNK, Math.floor((now - this.startNs) * this.ratePerNs) - this.sent) : CHUNK;
    let written = 0;
    for (; written < due; written++) {
      const record = transmitter.tryClaim();
      if (record === null) break;
      writeQuote(record, this.sent + written, paced ? monotonicNs() : now);
      transmitter.commit();
    }
    transmitter.flush();
    this.sent += written;
    return written;
  }
}

/** Busy-spins until the time is up; returns the records sent. */
export function publishFor(transmitter: RecordTransmitter, load: LoadSpec): number {
  const sender = new LoadSender(transmitter, load);
  while (!sender.isDone()) sender.doWork();
  return sender.sent;
}

/** A plausible quote whose fields vary with the count, at the cost of a few stores. */
function writeQuote(record: MarketDataRecord, count: number, publishTimeNs: number): void {
  const bid = BASE_PRICE + (count & 255) * TICK;
  record.setQuote(publishTimeNs, publishTimeNs, count & INSTRUMENT_MASK, RecordType.quote, 0, bid, bid + TICK, 100, 200);
}
