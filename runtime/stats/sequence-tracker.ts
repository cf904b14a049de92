// Follows the sequence numbers a consumer sees: jumps forward are gaps (records lost),
// anything not after the last one is out of order. Transport-independent, so the SHM
// and TCP consumers report gaps the same way. reset() starts a new stream (publisher
// restart: its sequences start again).
export class SequenceTracker {
  gaps = 0;
  lostRecords = 0;
  outOfOrder = 0;
  firstSequence = -1;
  lastSequence = -1;

  observe(sequence: number): void {
    const last = this.lastSequence;
    if (last < 0) {
      if (this.firstSequence < 0) this.firstSequence = sequence;
    } else if (sequence !== last + 1) {
      if (sequence > last + 1) {
        this.gaps++;
        this.lostRecords += sequence - last - 1;
      } else {
        this.outOfOrder++;
        return;
      }
    }
    this.lastSequence = sequence;
  }

  reset(): void {
    this.lastSequence = -1;
  }
}
