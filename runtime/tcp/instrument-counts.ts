// Records read per instrument id, for the TCP fan-out: it turns an instrument filter into a
// subscription sequence (the filter's records so far) when a subscriber joins. Counted for
// every record the fan-out reads, so the common path is one typed-array increment: ids below
// DENSE_LIMIT index an array grown on demand, larger ids go to a Map.
const DENSE_LIMIT = 1 << 16;

export class InstrumentCounts {
  private dense = new Float64Array(256);
  private readonly sparse = new Map<number, number>();

  increment(id: number): void {
    if (id < this.dense.length) this.dense[id]++;
    else this.incrementRare(id);
  }

  get(id: number): number {
    return id < this.dense.length ? this.dense[id] : (this.sparse.get(id) ?? 0);
  }

  /** The records of these instruments. */
  sum(ids: Iterable<number>): number {
    let total = 0;
    for (const id of ids) total += this.get(id);
    return total;
  }

  private incrementRare(id: number): void {
    if (id < DENSE_LIMIT) {
      let length = this.dense.length;
      while (length <= id) length *= 2;
      const grown = new Float64Array(length);
      grown.set(this.dense);
      this.dense = grown;
      this.dense[id]++;
    } else {
      this.sparse.set(id, (this.sparse.get(id) ?? 0) + 1);
    }
  }
}
