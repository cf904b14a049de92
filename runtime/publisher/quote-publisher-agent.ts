// The publisher's work: generate quotes into a ring at a paced rate or flat out.
// Paced: the number of records due is computed from the clock since the start, so a
// stall is caught up in a burst (records are late, never dropped) and the long-run rate
// is exact. Each record is stamped when written. Flat out: records go in chunks of
// CHUNK, stamped once every STAMP_EVERY records (clock reads cost 40 ns each).
import { monotonicNs, wallClockNs } from '../clock/clock.ts';
import type { QuoteGenerator } from '../generator/quote-generator.ts';
import type { RecordTransmitter } from '../ring/record-transmitter.ts';
import type { PublishingAgent } from './publisher-process.ts';

export interface QuotePublisherSettings {
  /** Records per second; Infinity = flat out. */
  rate: number;
  /** Stop after this many records; 0 = never. */
  count: number;
}

const CHUNK = 1024;
const STAMP_EVERY = 64;

export class QuotePublisherAgent implements PublishingAgent {
  sent = 0;
  /** Generated quotes never fail. */
  readonly failure = undefined;
  private readonly transmitter: RecordTransmitter;
  private readonly generator: QuoteGenerator;
  private readonly ratePerNs: number;
  private readonly limit: number;
  private startNs = -1;

  constructor(transmitter: RecordTransmitter, generator: QuoteGenerator, settings: QuotePublisherSettings) {
    this.transmitter = transmitter;
    this.generator = generator;
    this.ratePerNs = settings.rate / 1e9;
    this.limit = settings.count > 0 ? settings.count : Number.MAX_SAFE_INTEGER;
  }

  get paced(): boolean {
    return Number.isFinite(this.ratePerNs);
  }

  isDone(): boolean {
    return this.sent >= this.limit;
  }

  doWork(): number {
    let now = monotonicNs();
    if (this.startNs < 0) this.startNs = now;
    const paced = this.paced;
    let due = paced ? Math.floor((now - this.startNs) * this.ratePerNs) - this.sent : CHUNK;
    if (due <= 0) return 0;
    due = Math.min(due, CHUNK, this.limit - this.sent);
    const transmitter = this.transmitter;
    let wall = wallClockNs();
    let written = 0;
    for (; written < due; written++) {
      const record = transmitter.tryClaim();
      if (record === null) break;
      if (written > 0 && (paced || (written & (STAMP_EVERY - 1)) === 0)) {
        now = monotonicNs();
        wall = wallClockNs();
      }
      this.generator.next(record, now, wall);
      transmitter.commit();
    }
    transmitter.flush();
    this.sent += written;
    return written;
  }
}
