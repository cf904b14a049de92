// The hot-path side of the audit journal: appends 64-byte entries (journal-entry-layout.ts)
// into a backpressure ring (GatedTransmitter: the writer never overwrites an entry the
// journal writer has not yet taken), in a /dev/shm segment that outlives the process, so an
// entry appended before a kill -9 is still there for recoverJournal(). A full ring is
// reported (tryClaim() → null, append*() → false, fullCount), never an entry dropped or
// overwritten: the trader treats it as a reason to stop sending.
//
// Write-ahead: an append is visible to the writer (the ring position published) when it
// returns; the trader appends an order before it hands the order to the socket.
// Nothing is allocated per entry: one flyweight re-pointed at the claimed slot.
//
// Timestamps: the caller's CLOCK_MONOTONIC read in eventTime (the trader reads the clock once per event);
// the wall time is that plus the wall−monotonic offset taken when the appender starts
// (resyncWallClock() takes it again, e.g. once a second off the hot path): no clock call here.
import { monotonicNs, wallClockNs } from '../clock/clock.ts';
import { GatedTransmitter } from '../ring/gated-transmitter.ts';
import type { RingMemory } from '../ring/ring-memory.ts';
import { Segment, type SegmentLocation } from '../shm/segment.ts';
import { TWO_POW_32 } from '../record/record-layout.ts';
import { JournalEntry } from './journal-entry.ts';
import { JOURNAL_ENTRY_WORDS, JournalKind, JournalWord } from './journal-entry-layout.ts';

export interface CreateJournalRingOptions extends SegmentLocation {
  /** Entries the ring holds: a power of two (default 65,536 = 4 MiB). */
  capacity?: number;
  /** Sequence of the first entry: 1 for a new journal, the recovered journal's last + 1 after a restart. */
  firstSequence?: number;
}

export const DEFAULT_JOURNAL_RING_CAPACITY = 65_536;

/** Creates the journal's /dev/shm segment (backpressure, one consumer: the journal writer). */
export function createJournalSegment(options: CreateJournalRingOptions): Segment {
  return Segment.create({
    name: options.name,
    directory: options.directory,
    capacity: options.capacity ?? DEFAULT_JOURNAL_RING_CAPACITY,
    mode: 'backpressure',
    consumerSlots: 1,
    firstSequence: options.firstSequence ?? 1,
  }).segment;
}

export class JournalAppender {
  private readonly transmitter: GatedTransmitter;
  private readonly entry = new JournalEntry();
  /**
   * CLOCK_MONOTONIC ns of the event being journaled: the trader writes it once per event
   * (`appender.eventTime[0] = nowNs`, the read it shares with risk and its histograms) or calls
   * stampNow(). A cell, not an argument: a call V8 does not inline boxes a double argument
   * (16 bytes an entry), and the ring's code spends the inlining budget.
   */
  readonly eventTime = new Float64Array(1);
  /** Wall − monotonic ns, taken at start and by resyncWallClock(). */
  private readonly wallOffset = new Float64Array(1);

  constructor(ring: RingMemory) {
    this.transmitter = new GatedTransmitter(ring, { batchSize: 1 });
    this.resyncWallClock();
  }

  /** Sequence the next entry will get. */
  get nextSequence(): number {
    return this.transmitter.nextSequence;
  }

  /** Times an append found the ring full (the entry was not appended; the caller was told). */
  get fullCount(): number {
    return this.transmitter.fullCount;
  }

  resyncWallClock(): void {
    this.wallOffset[0] = wallClockNs() - monotonicNs();
  }

  /** Sets eventTime to the clock's now (for callers that have not read it already). */
  stampNow(): void {
    this.eventTime[0] = monotonicNs();
  }

  /**
   * The next entry, zeroed and stamped (sequence; monotonic and wall time from eventTime),
   * for the caller to fill and commit(); null when the ring is full.
   */
  tryClaim(): JournalEntry | null {
    const record = this.transmitter.tryClaim();
    if (record === null) return null;
    const words = record.words;
    const base = record.base;
    for (let i = JournalWord.monotonicLo; i < JOURNAL_ENTRY_WORDS; i++) words[base + i] = 0;
    // The 64-bit splits written out, not writeU64 calls, for the same reason as eventTime.
    const now = this.eventTime[0];
    const wall = now + this.wallOffset[0];
    const nowHi = Math.floor(now / TWO_POW_32);
    const wallHi = Math.floor(wall / TWO_POW_32);
    words[base + JournalWord.monotonicLo] = (now - nowHi * TWO_POW_32) | 0;
    words[base + JournalWord.monotonicHi] = nowHi | 0;
    words[base + JournalWord.wallLo] = (wall - wallHi * TWO_POW_32) | 0;
    words[base + JournalWord.wallHi] = wallHi | 0;
    return this.entry.wrap(words, base);
  }

  /** Publishes the claimed entry to the journal writer. */
  commit(): void {
    this.transmitter.commit();
  }

  /** An order, cancel or replace about to be sent (cancel/replace: origOrderCounter = the order targeted). */
  appendOrder(kind: number, instrument: number, side: number, orderCounter: number, price: number, quantity: number, origOrderCounter: number): boolean {
    const entry = this.claimOrderEntry(kind, instrument, side, orderCounter, price, quantity);
    if (entry === null) return false;
    if (kind !== JournalKind.orderSent) entry.origOrderCounter = origOrderCounter;
    this.commit();
    return true;
  }

  /** An ExecutionReport received: LastPx/LastQty in price/quantity; execType and ordStatus as ASCII bytes. */
  appendReport(instrument: number, side: number, orderCounter: number, execType: number, ordStatus: number, lastPx: number, lastQty: number, cumQty: number, leavesQty: number, flags: number): boolean {
    const entry = this.tryClaim();
    if (entry === null) return false;
    entry.setCodes(JournalKind.reportReceived, side, execType, ordStatus);
    entry.instrument = instrument;
    entry.orderCounter = orderCounter;
    entry.price = lastPx;
    entry.quantity = lastQty;
    entry.cumQuantity = cumQty;
    entry.leavesQuantity = leavesQty;
    entry.setReasonFlags(0, flags);
    this.commit();
    return true;
  }

  /** A risk decision on an order (kind riskReject with its reason code, or riskPass with 0). */
  appendRiskDecision(kind: number, reason: number, instrument: number, side: number, orderCounter: number, price: number, quantity: number): boolean {
    const entry = this.claimOrderEntry(kind, instrument, side, orderCounter, price, quantity);
    if (entry === null) return false;
    entry.setReasonFlags(reason, 0);
    this.commit();
    return true;
  }

  /** Claims an entry and fills what an order and a risk decision on it share. */
  private claimOrderEntry(kind: number, instrument: number, side: number, orderCounter: number, price: number, quantity: number): JournalEntry | null {
    const entry = this.tryClaim();
    if (entry === null) return null;
    entry.setCodes(kind, side, 0, 0);
    entry.instrument = instrument;
    entry.orderCounter = orderCounter;
    entry.price = price;
    entry.quantity = quantity;
    return entry;
  }

  /** A kill-switch event (killEvent with its reason and the open orders it cancels) or an operator reset. */
  appendControl(kind: number, reason: number, openOrders: number): boolean {
    const entry = this.tryClaim();
    if (entry === null) return false;
    entry.setCodes(kind, 0, 0, 0);
    entry.quantity = openOrders;
    entry.setReasonFlags(reason, 0);
    this.commit();
    return true;
  }
}
