import type { MarketDataRecord } from '../record/market-data-record.ts';

/**
 * What a publisher writes through, in either ring mode: claim a slot, fill the record,
 * commit it. Committed records become visible to readers when the position is published:
 * at every commit, or once per batch when batching (then flush() at the end of a burst).
 */
export interface RecordTransmitter {
  /** The record to fill, or null when the ring is full (backpressure mode only). */
  tryClaim(): MarketDataRecord | null;
  commit(): void;
  flush(): void;
  /** Sequence of the next record to be claimed (= records committed so far). */
  readonly nextSequence: number;
  /** Times tryClaim() found the ring full. */
  readonly fullCount: number;
}
