// The publisher's transmitter when it serves TCP: before a claim would overwrite a record
// the TCP fan-out has not read yet (a burst longer than the ring, e.g. 1,024 records into
// 128 slots), it publishes what is committed and pumps the fan-out. So the fan-out is
// never lapped and TCP subscribers lose records only by being dropped or disconnecting,
// which they count exactly. In the common case (bursts shorter than the ring, pumped after
// each) the cost is one comparison per claim; the pump writes to sockets without waiting.
import type { MarketDataRecord } from '../record/market-data-record.ts';
import type { RecordTransmitter } from '../ring/record-transmitter.ts';

/** The reader to keep ahead of: where it is, and how far behind the writer it may fall. */
export interface GuardedReader {
  readonly nextSequence: number;
  readonly capacity: number;
}

export class FanoutGuardedTransmitter implements RecordTransmitter {
  private readonly inner: RecordTransmitter;
  private readonly reader: GuardedReader;
  private readonly pump: () => void;
  /** The first sequence whose claim may overwrite an unread record. */
  private limit: number;

  constructor(inner: RecordTransmitter, reader: GuardedReader, pump: () => void) {
    this.inner = inner;
    this.reader = reader;
    this.pump = pump;
    this.limit = reader.nextSequence + reader.capacity;
  }

  get nextSequence(): number {
    return this.inner.nextSequence;
  }

  get fullCount(): number {
    return this.inner.fullCount;
  }

  tryClaim(): MarketDataRecord | null {
    if (this.inner.nextSequence >= this.limit) this.catchUp();
    return this.inner.tryClaim();
  }

  commit(): void {
    this.inner.commit();
  }

  flush(): void {
    this.inner.flush();
  }

  private catchUp(): void {
    // The reader may have moved on since the limit was set (pumped after the last burst).
    this.limit = this.reader.nextSequence + this.reader.capacity;
    if (this.inner.nextSequence < this.limit) return;
    this.inner.flush();
    this.pump();
    this.limit = this.reader.nextSequence + this.reader.capacity;
  }
}
