// Resting orders as rows of parallel typed arrays, recycled through a free list, so that
// adding and removing orders allocates nothing once the pool has grown to the working set
// (it doubles when full; that is the only allocation). A row is an index; -1 is "none".
// `next`/`prev` link the rows of one price level into its FIFO queue, and `next` also
// links free rows. `owners`, `cums` and `notionals` are kept by a matching engine
// (runtime/matching) beside the book's own fields; the book itself never reads them.

export const NONE = -1;

export class OrderPool {
  ids: Float64Array;
  quantities: Float64Array;
  /** Price level row (in the ladder of the order's side). */
  levels: Int32Array;
  /** 0 buy, 1 sell. */
  sides: Uint8Array;
  next: Int32Array;
  prev: Int32Array;
  owners: Float64Array;
  /** Quantity filled so far, and Σ price × quantity of those fills. */
  cums: Float64Array;
  notionals: Float64Array;
  private freeHead = NONE;
  private highWater = 0;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(1, initialCapacity);
    this.ids = new Float64Array(capacity);
    this.quantities = new Float64Array(capacity);
    this.levels = new Int32Array(capacity);
    this.sides = new Uint8Array(capacity);
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.owners = new Float64Array(capacity);
    this.cums = new Float64Array(capacity);
    this.notionals = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.ids.length;
  }

  allocate(): number {
    const free = this.freeHead;
    if (free !== NONE) {
      this.freeHead = this.next[free];
      return free;
    }
    if (this.highWater === this.ids.length) this.grow();
    return this.highWater++;
  }

  release(row: number): void {
    this.next[row] = this.freeHead;
    this.freeHead = row;
  }

  private grow(): void {
    const capacity = this.ids.length * 2;
    this.ids = grown(this.ids, new Float64Array(capacity));
    this.quantities = grown(this.quantities, new Float64Array(capacity));
    this.levels = grown(this.levels, new Int32Array(capacity));
    this.sides = grown(this.sides, new Uint8Array(capacity));
    this.next = grown(this.next, new Int32Array(capacity));
    this.prev = grown(this.prev, new Int32Array(capacity));
    this.owners = grown(this.owners, new Float64Array(capacity));
    this.cums = grown(this.cums, new Float64Array(capacity));
    this.notionals = grown(this.notionals, new Float64Array(capacity));
  }
}

export function grown<T extends Float64Array | Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
