import type { RecordHandler } from './broadcast-receiver.ts';

/** What a consumer reads through, in either ring mode. */
export interface RecordReceiver {
  poll(handler: RecordHandler, limit?: number): number;
  /** Sequence of the next record expected. */
  readonly nextSequence: number;
  /** Records published and not yet read. */
  lag(): number;
  /** Records the ring overwrote before this reader got to them (broadcast mode only). */
  readonly lostRecords: number;
  readonly gaps: number;
}
