// What `marketfeed replay` plays: a source of quote records with their original times.
// Two kinds exist: a capture file written by `marketfeed record` (records as they were
// published) and an order-level file (LOBSTER) run through a feed handler that turns
// order events into best bid/offer quotes. The replay agent paces by sourceTimeNs, stamps
// publishTimeNs and lets the transmitter assign sequence numbers.
import type { MarketDataRecord } from '../record/market-data-record.ts';

export interface ReplaySource {
  /** What is being read, for logs and the summary (e.g. "capture /tmp/feed.mfcap"). */
  readonly description: string;
  /** Bytes of input consumed so far, and the input's size, for the progress bar. */
  readonly bytesRead: number;
  readonly totalBytes: number;
  /**
   * Writes the next record into `out` and returns true, or returns false at the end of
   * the input. Every field is set except `sequence` (the transmitter's) and
   * `publishTimeNs` (stamped when published); `sourceTimeNs` is the pacing clock.
   * Throws ReplayInputError at the first bytes it cannot read: every record before them
   * has already been returned.
   */
  next(out: MarketDataRecord): boolean;
  /** Releases the file. */
  close(): void;
  /**
   * For sources that turn input events into records (LOBSTER): how many events were read,
   * and how many of them were refused (by the book, or as no valid event) or skipped (a
   * change to an order the book does not hold). Shown in the summary, with a warning.
   */
  eventCounts?(): SourceEventCounts;
}

export interface SourceEventCounts {
  events: number;
  rejected: number;
  /**
   * Changes (cancellations, executions) to orders the book does not hold, skipped: orders
   * placed before the file starts (LOBSTER's message file begins at 09:30). Seeded from an
   * orderbook file, only those at levels it does not show; started empty, all of them.
   */
  unseen: number;
  /** Whether the book started from a snapshot (an orderbook file) or empty: says which orders `unseen` counts. */
  seeded?: boolean;
  /** LOBSTER with an orderbook file: events at prices deeper than its rows show (applied, not checked against them). */
  deeperThanOrderbook?: number;
}

/** Input that cannot be read: names the file, the byte offset and what is wrong there. */
export class ReplayInputError extends Error {
  readonly file: string;
  /** Byte offset in the file of the first byte that could not be read. */
  readonly offset: number;

  constructor(file: string, offset: number, problem: string) {
    super(`${file}: at byte ${offset}: ${problem}`);
    this.name = 'ReplayInputError';
    this.file = file;
    this.offset = offset;
  }
}
