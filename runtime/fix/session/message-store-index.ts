// Where each kept message lies in the store's log: sequence numbers in order, with the file
// offset and length of the message's latest record, in typed arrays (20 bytes a message,
// however long the messages), so a long session's memory stays bounded; the bytes are read
// back from the file when a resend asks for them.
import { grown } from '../../book/order-pool.ts';

export class MessageStoreIndex {
  private seqs = new Float64Array(1024);
  private offsets = new Float64Array(1024);
  private lengths = new Int32Array(1024);
  count = 0;

  get bytes(): number {
    return this.seqs.byteLength + this.offsets.byteLength + this.lengths.byteLength;
  }

  /** Records where message `seq` is; a later record of the same seq replaces the earlier. */
  put(seq: number, offset: number, length: number): void {
    let at = this.count;
    // Sessions send in order: the common case appends.
    if (at > 0 && this.seqs[at - 1] >= seq) {
      at = this.lowerBound(seq);
      if (this.seqs[at] !== seq) this.openSlot(at);
    } else {
      this.openSlot(at);
    }
    this.seqs[at] = seq;
    this.offsets[at] = offset;
    this.lengths[at] = length;
  }

  clear(): void {
    this.count = 0;
  }

  /** The position of the first message with seq ≥ `seq` (count when none). */
  lowerBound(seq: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.seqs[mid] < seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  seqAt(position: number): number {
    return this.seqs[position];
  }

  offsetAt(position: number): number {
    return this.offsets[position];
  }

  lengthAt(position: number): number {
    return this.lengths[position];
  }

  private openSlot(at: number): void {
    if (this.count === this.seqs.length) this.grow();
    this.seqs.copyWithin(at + 1, at, this.count);
    this.offsets.copyWithin(at + 1, at, this.count);
    this.lengths.copyWithin(at + 1, at, this.count);
    this.count++;
  }

  private grow(): void {
    const size = this.seqs.length * 2;
    this.seqs = grown(this.seqs, new Float64Array(size));
    this.offsets = grown(this.offsets, new Float64Array(size));
    this.lengths = grown(this.lengths, new Int32Array(size));
  }
}
