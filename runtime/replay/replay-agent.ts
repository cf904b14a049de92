// The replay's publishing work: take records from a ReplaySource and publish each when it
// is due. Due = its sourceTimeNs, measured from the first record's, divided by the speed
// (Infinity = flat out), has elapsed on the pacing clock since the first record went out.
// A record that comes late (stall, full ring) goes at once and the rest catch up in a
// burst, as in the generator, so lateness never adds up. A record whose source time is a
// little before the previous one's (interleaved venues' clocks) is due already and goes at
// once; a jump back of more than REANCHOR_BACKWARDS_NS (a capture spanning days, or a
// source clock reset) re-anchors the pacing: that record is due when the previous one was.
// Each record keeps every captured field but: sequence (the transmitter's), publishTimeNs
// (stamped now) and the replayed flag (set). A ReplayInputError ends the replay after the
// records before it were published: it is kept as `failure`, not thrown.
import { monotonicNs, type NanoClock } from '../clock/clock.ts';
import { MarketDataRecord } from '../record/market-data-record.ts';
import { RECORD_WORDS, RecordFlag, Word } from '../record/record-layout.ts';
import type { RecordTransmitter } from '../ring/record-transmitter.ts';
import type { PublishingAgent } from '../publisher/publisher-process.ts';
import { ReplayInputError, type ReplaySource } from './replay-source.ts';

export interface ReplaySettings {
  /** How many times faster than the original; Infinity = flat out. */
  speed: number;
  /** Stop after this many records; 0 = the whole input. */
  count: number;
  /** Paces and stamps publishTimeNs: CLOCK_MONOTONIC, or a test's clock. */
  clock?: NanoClock;
}

const CHUNK = 1024;
/** Flat out, the clock is read once per this many records (a read costs ~40 ns). */
const STAMP_EVERY = 64;
/** Source time going back by more than this is a new stretch of time, not reordering. */
export const REANCHOR_BACKWARDS_NS = 1_000_000_000;

export class ReplayAgent implements PublishingAgent {
  sent = 0;
  failure: ReplayInputError | undefined;
  /** Pacing clock when the first record went out and when the last one did (-1 before). */
  startedNs = -1;
  finishedNs = -1;
  /** Source times of the first and last records published. */
  firstSourceNs = -1;
  lastSourceNs = -1;
  private readonly transmitter: RecordTransmitter;
  private readonly source: ReplaySource;
  private readonly clock: NanoClock;
  private readonly nsPerSourceNs: number;
  private readonly limit: number;
  private readonly pending = new MarketDataRecord();
  private hasPending = false;
  private ended = false;
  private anchorSourceNs = 0;
  private anchorClockNs = 0;

  constructor(transmitter: RecordTransmitter, source: ReplaySource, settings: ReplaySettings) {
    this.transmitter = transmitter;
    this.source = source;
    this.clock = settings.clock ?? monotonicNs;
    this.nsPerSourceNs = 1 / settings.speed;
    this.limit = settings.count > 0 ? settings.count : Number.MAX_SAFE_INTEGER;
  }

  get paced(): boolean {
    return this.nsPerSourceNs > 0;
  }

  /** From the first record published to the last (or to now, if not finished). */
  elapsedNs(): number {
    if (this.startedNs < 0) return 0;
    return (this.finishedNs < 0 ? this.clock() : this.finishedNs) - this.startedNs;
  }

  isDone(): boolean {
    return this.ended && !this.hasPending;
  }

  doWork(): number {
    if (this.isDone()) return 0;
    const transmitter = this.transmitter;
    const pending = this.pending;
    const paced = this.paced;
    let now = this.clock();
    let written = 0;
    while (written < CHUNK) {
      if (!this.hasPending && !this.take(now)) break;
      // After take(), which may have read from the file: paced, every record is due and
      // stamped by the clock as it is now; flat out, every STAMP_EVERY records.
      if (paced || (written & (STAMP_EVERY - 1)) === 0) now = this.clock();
      if (paced && this.dueNs(pending.sourceTimeNs) > now) break;
      const slot = transmitter.tryClaim();
      if (slot === null) break;
      // Words 0-1 are the sequence, which the transmitter has stamped into the slot.
      const from = pending.words;
      const to = slot.words;
      const base = slot.base;
      for (let i = Word.publishTimeLo; i < RECORD_WORDS; i++) to[base + i] = from[i];
      slot.publishTimeNs = now;
      slot.flags = pending.flags | RecordFlag.replayed;
      transmitter.commit();
      this.hasPending = false;
      this.lastSourceNs = pending.sourceTimeNs;
      written++;
      if (++this.sent >= this.limit) this.end(now);
    }
    transmitter.flush();
    return written;
  }

  /** Reads the next record into `pending`; false (and ended) at the end of the input or at bad input. */
  private take(now: number): boolean {
    if (this.ended) return false;
    try {
      if (!this.source.next(this.pending)) {
        this.end(now);
        return false;
      }
    } catch (error) {
      if (!(error instanceof ReplayInputError)) throw error;
      this.failure = error;
      this.end(now);
      return false;
    }
    this.hasPending = true;
    const sourceNs = this.pending.sourceTimeNs;
    if (this.startedNs < 0) {
      this.startedNs = now;
      this.firstSourceNs = sourceNs;
      this.anchor(sourceNs, now);
    } else if (sourceNs < this.lastSourceNs - REANCHOR_BACKWARDS_NS) {
      // Due when the previous record was due, not "now": a late previous record must not delay the rest.
      this.anchor(sourceNs, this.dueNs(this.lastSourceNs));
    }
    return true;
  }

  /** When a record of this source time is due on the pacing clock (paced only). */
  private dueNs(sourceNs: number): number {
    return this.anchorClockNs + (sourceNs - this.anchorSourceNs) * this.nsPerSourceNs;
  }

  private anchor(sourceNs: number, now: number): void {
    this.anchorSourceNs = sourceNs;
    this.anchorClockNs = now;
  }

  private end(now: number): void {
    this.ended = true;
    this.finishedNs = now;
  }
}
