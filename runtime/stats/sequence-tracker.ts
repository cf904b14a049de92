// Follows the sequence numbers a consumer sees. Records carry their own sequence; where the
// source selects records (a TCP subscription to some instruments), each also has a position
// within the selection, and only jumps in the position are gaps: the records in between
// were the subscription's and never arrived. Without a selection the position is the
// sequence. A record whose sequence is not after the last one is out of order. The source
// may also say where it stands (expect): positions skipped before it are lost at once,
// without waiting for the next record; skips with no record between them are one gap (one
// jump in what was received). Transport-independent, so the SHM and TCP consumers report
// gaps the same way. reset() starts a new stream (publisher restart: its sequences start
// again).
export class SequenceTracker {
  gaps = 0;
  lostRecords = 0;
  outOfOrder = 0;
  firstSequence = -1;
  lastSequence = -1;
  /** Position of the next record; -1 until the stream's start is known. */
  private expected = -1;
  /** Positions were skipped since the last record: a further skip extends the same gap. */
  private inGap = false;

  observe(sequence: number, position = sequence): void {
    if (this.lastSequence >= 0 && sequence <= this.lastSequence) {
      this.outOfOrder++;
      // A selection's position still moves on: it counts what the source sent.
      this.expected = Math.max(this.expected, position + 1);
      return;
    }
    this.skipTo(position);
    this.inGap = false;
    if (this.firstSequence < 0) this.firstSequence = sequence;
    this.lastSequence = sequence;
    this.expected = position + 1;
  }

  /** The source says its next record is at `position`: the positions skipped are lost. */
  expect(position: number): void {
    this.skipTo(position);
    this.expected = position;
  }

  reset(): void {
    this.lastSequence = -1;
    this.expected = -1;
    this.inGap = false;
  }

  private skipTo(position: number): void {
    if (this.expected >= 0 && position > this.expected) {
      if (!this.inGap) this.gaps++;
      this.inGap = true;
      this.lostRecords += position - this.expected;
    }
  }
}
