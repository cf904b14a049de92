// "N events within T": the last N event times in a ring of numbers; the N-th most recent
// event is the oldest slot, so the test is one subtraction and nothing grows.

export class EventWindow {
  private readonly times: Float64Array;
  private next = 0;
  private filled = 0;
  readonly count: number;
  readonly windowNs: number;

  constructor(count: number, windowNs: number) {
    this.count = count;
    this.windowNs = windowNs;
    this.times = new Float64Array(count);
  }

  /** Records an event at nowNs; true when it and the N − 1 before it all fall within the window. */
  record(nowNs: number): boolean {
    this.times[this.next] = nowNs;
    this.next = this.next + 1 === this.count ? 0 : this.next + 1;
    if (this.filled < this.count) this.filled++;
    return this.filled === this.count && nowNs - this.times[this.next] <= this.windowNs;
  }
}
