// The ExecIDs seen lately, for exactly-once: a set bounded to the last `capacity` ids (a ring
// evicts the oldest from the index), so a long session's memory stays flat. A resend older
// than the window is still caught for fills by the CumQty check (ExecutionReportApplier).
import { IdIndex } from '../book/id-index.ts';

export class ExecIdWindow {
  readonly capacity: number;
  private readonly ring: Float64Array;
  private readonly index: IdIndex;
  private next = 0;
  private filled = 0;

  constructor(capacity = 65_536) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ExecID window must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.ring = new Float64Array(capacity);
    this.index = new IdIndex(capacity);
  }

  has(key: number): boolean {
    return this.index.get(key) >= 0;
  }

  /** Remembers `key` (not already there), forgetting the oldest when full. */
  add(key: number): void {
    if (this.filled === this.capacity) this.index.delete(this.ring[this.next]);
    else this.filled++;
    this.ring[this.next] = key;
    this.index.set(key, 1);
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }
}
