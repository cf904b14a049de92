// Order id → order row, as an open-addressing hash table in typed arrays. A Map would do,
// but V8 reallocates a Map's table as deleted entries pile up, so a stream of adds and
// cancels allocates; this table allocates only when it grows (at half full). Linear
// probing with backward-shift deletion: no tombstones, so lookups never slow down as
// orders come and go. Keys are safe integers (negative ones too); rows are >= 0.

const EMPTY = -1;

export class IdIndex {
  private keys: Float64Array;
  private rows: Int32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.rows = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  /** The row stored for `id`, or -1. */
  get(id: number): number {
    const keys = this.keys;
    const rows = this.rows;
    for (let slot = this.home(id); ; slot = (slot + 1) & this.mask) {
      const row = rows[slot];
      if (row === EMPTY || keys[slot] === id) return row;
    }
  }

  has(id: number): boolean {
    return this.get(id) !== EMPTY;
  }

  /** Slots a lookup of `id` examines (1 = its home slot): for tests and diagnostics of the hash. */
  probeLength(id: number): number {
    let probes = 1;
    for (let slot = this.home(id); this.rows[slot] !== EMPTY && this.keys[slot] !== id; slot = (slot + 1) & this.mask) probes++;
    return probes;
  }

  /** Stores `row` for `id` (replacing any row stored for it). */
  set(id: number, row: number): void {
    if ((this.size + 1) * 2 > this.rows.length) this.grow();
    const keys = this.keys;
    const rows = this.rows;
    let slot = this.home(id);
    while (rows[slot] !== EMPTY && keys[slot] !== id) slot = (slot + 1) & this.mask;
    if (rows[slot] === EMPTY) this.size++;
    keys[slot] = id;
    rows[slot] = row;
  }

  delete(id: number): boolean {
    const keys = this.keys;
    const rows = this.rows;
    const mask = this.mask;
    let hole = this.home(id);
    while (rows[hole] !== EMPTY && keys[hole] !== id) hole = (hole + 1) & mask;
    if (rows[hole] === EMPTY) return false;
    this.size--;
    // Shift later entries of the probe run back into the hole unless they sit at or after
    // their home slot already (cyclically between the hole and themselves).
    for (let slot = (hole + 1) & mask; rows[slot] !== EMPTY; slot = (slot + 1) & mask) {
      const home = this.home(keys[slot]);
      const stays = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (stays) continue;
      keys[hole] = keys[slot];
      rows[hole] = rows[slot];
      hole = slot;
    }
    rows[hole] = EMPTY;
    return true;
  }

  /** Calls `visit` for every entry; `visit` must not change the index. */
  forEach(visit: (row: number, id: number) => void): void {
    const rows = this.rows;
    for (let slot = 0; slot < rows.length; slot++) {
      if (rows[slot] !== EMPTY) visit(rows[slot], this.keys[slot]);
    }
  }

  clear(): void {
    this.rows.fill(EMPTY);
    this.size = 0;
  }

  /** murmur3's 32-bit finalizer over both halves: every bit of the id reaches the low bits the mask keeps. */
  private home(id: number): number {
    const low = id | 0;
    const high = Math.floor(id / 4294967296) | 0;
    let hash = low ^ Math.imul(high, 0x9e3779b1);
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    return hash & this.mask;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldRows = this.rows;
    const capacity = oldRows.length * 2;
    this.keys = new Float64Array(capacity);
    this.rows = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.size = 0;
    for (let slot = 0; slot < oldRows.length; slot++) {
      if (oldRows[slot] !== EMPTY) this.set(oldKeys[slot], oldRows[slot]);
    }
  }
}
