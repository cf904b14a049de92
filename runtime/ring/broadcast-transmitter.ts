// Single writer of a broadcast ring: never waits, overwrites the oldest slot. Each slot is
// sequence-stamped so readers can tell a slot overwritten under them (see BroadcastReceiver).
//
// Write order per record: low word of the sequence (Atomics.store: from this moment a reader
// of the slot's previous record sees a different stamp), the payload, the high word, and
// finally the ring position (per record, or once per batch).
import type { MarketDataRecord } from '../record/market-data-record.ts';
import type { RecordTransmitter } from './record-transmitter.ts';
import type { RingMemory } from './ring-memory.ts';
import { RingWriter, type TransmitterOptions } from './ring-writer.ts';

export type { TransmitterOptions };

export class BroadcastTransmitter extends RingWriter implements RecordTransmitter {
  constructor(ring: RingMemory, options: TransmitterOptions = {}) {
    super(ring, options);
  }

  /** Always a record: the writer never waits. */
  tryClaim(): MarketDataRecord {
    return this.claimSlot();
  }
}
