// The postMessage peer behind the same RecordTransmitter interface as the ring, so that the
// same publisher agent (and pacing) drives it: each committed record is posted as a
// structured-clone copy of its 64-byte ArrayBuffer, one message per record.
//
// Flat out, a sender would queue messages far faster than the receiver takes them, and
// the queue would grow without bound: with a window, tryClaim() refuses (like a full
// backpressure ring) while `window` messages are unacknowledged. The receiver
// acknowledges through a SharedArrayBuffer counter, which costs it one store.
import type { MessagePort } from 'node:worker_threads';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import type { RecordTransmitter } from '../../runtime/ring/record-transmitter.ts';

export class PostMessageTransmitter implements RecordTransmitter {
  fullCount = 0;
  nextSequence = 0;
  private readonly port: MessagePort;
  private readonly acknowledged: Int32Array;
  private readonly window: number;
  private readonly record = new MarketDataRecord();

  /** window: most messages in flight; Infinity = no flow control (paced sends). */
  constructor(port: MessagePort, acknowledged: Int32Array, window: number) {
    this.port = port;
    this.acknowledged = acknowledged;
    this.window = window;
  }

  tryClaim(): MarketDataRecord | null {
    if (this.nextSequence - Atomics.load(this.acknowledged, 0) >= this.window) {
      this.fullCount++;
      return null;
    }
    return this.record;
  }

  commit(): void {
    this.record.sequence = this.nextSequence++;
    this.port.postMessage(this.record.words.buffer);
  }

  flush(): void {}
}
