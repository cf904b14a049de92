// Where a FIX session keeps its sequence numbers and the messages it sent, so that a
// ResendRequest can be served and a restart continues where the session left off (the
// shape of QuickFIX's MessageStore). A session calls set() for every message it sends,
// before the bytes go to the socket, and incrNext*() as it sends and accepts messages.

export interface FixMessageStore {
  /** MsgSeqNum of the next message this side sends. */
  readonly nextSenderMsgSeqNum: number;
  /** MsgSeqNum expected on the next message from the peer. */
  readonly nextTargetMsgSeqNum: number;
  setNextSenderMsgSeqNum(seq: number): void;
  setNextTargetMsgSeqNum(seq: number): void;
  incrNextSenderMsgSeqNum(): void;
  incrNextTargetMsgSeqNum(): void;
  /** Keeps the bytes of the sent message `seq` (copied: the caller reuses its buffer). */
  set(seq: number, message: Uint8Array): void;
  /** Calls `visit` for each kept message with begin ≤ seq ≤ end, in sequence order (gaps skipped). */
  get(begin: number, end: number, visit: (seq: number, message: Uint8Array) => void): void;
  /** When the current sequence-number epoch began (the session's creation or last reset). */
  readonly creationTime: Date;
  /** Forgets every message, sequence numbers back to 1, creation time `now`. */
  reset(now: Date): void;
  /** Makes everything set so far durable (a no-op for stores in memory). */
  flush(): void;
  close(): void;
}

/** `seq` when it is a valid MsgSeqNum (a positive safe integer); a RangeError otherwise. */
export function checkSeq(seq: number): number {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`MsgSeqNum ${seq} is not a positive integer`);
  return seq;
}

/** The sequence numbers and creation time every store keeps, read-only to its users. */
export abstract class MessageStoreState {
  protected sender = 1;
  protected target = 1;
  protected created: Date;

  constructor(created: Date) {
    this.created = created;
  }

  get nextSenderMsgSeqNum(): number {
    return this.sender;
  }

  get nextTargetMsgSeqNum(): number {
    return this.target;
  }

  get creationTime(): Date {
    return this.created;
  }
}

/** Bytes per chunk of a MemoryMessageStore's arena; a larger message gets a chunk of its own size. */
const ARENA_CHUNK_BYTES = 1 << 20;
/** Slots a MemoryMessageStore's index starts with (doubled as it fills). */
const INITIAL_SLOTS = 1024;
/** Sent messages a MemoryMessageStore keeps for resends, in bytes: ~150,000 orders or reports. */
export const DEFAULT_RETAIN_BYTES = 32 << 20;

export interface MemoryMessageStoreOptions {
  /**
   * Bytes of sent messages kept for resends (default DEFAULT_RETAIN_BYTES, at least two
   * chunks of 1 MiB): past it the oldest chunk's messages are forgotten and its memory reused,
   * so a long session's store stays bounded; a ResendRequest for a forgotten message is
   * answered with SequenceReset-GapFill, as for an admin message.
   */
  retainBytes?: number;
}

/**
 * A store in memory: for tests and for sessions that need not survive a restart. Sent
 * messages are copied one after another into large chunks, and each is indexed by a slot
 * (seq, chunk, offset, length) in typed arrays, in the order they were set: keeping a message
 * creates no object and makes no allocation but the occasional chunk or doubled index (a
 * copy of its own per message, as a Buffer would be, costs an ArrayBuffer each and the
 * collector's time). A seq set again supersedes its earlier copy. Bounded: see retainBytes
 * (reusing the oldest chunk also spares the page faults of fresh memory on every message).
 */
export class MemoryMessageStore extends MessageStoreState implements FixMessageStore {
  private chunks: Buffer[] = [];
  /** Chunk id of chunks[0]: a slot names its chunk by id, as chunks are dropped from the front. */
  private firstChunkId = 0;
  private readonly maxChunks: number;
  /** Bytes used in the last chunk. */
  private used = 0;
  /** Slots [firstSlot, slots) are kept; those before it were in dropped chunks. */
  private firstSlot = 0;
  private slots = 0;
  private seqs = new Float64Array(INITIAL_SLOTS);
  private chunkOf = new Int32Array(INITIAL_SLOTS);
  private offsets = new Int32Array(INITIAL_SLOTS);
  private lengths = new Int32Array(INITIAL_SLOTS);

  constructor(now: Date = new Date(), options: MemoryMessageStoreOptions = {}) {
    super(now);
    this.maxChunks = Math.max(2, Math.ceil((options.retainBytes ?? DEFAULT_RETAIN_BYTES) / ARENA_CHUNK_BYTES));
  }

  setNextSenderMsgSeqNum(seq: number): void {
    checkSeq(seq);
    this.sender = seq;
  }

  setNextTargetMsgSeqNum(seq: number): void {
    checkSeq(seq);
    this.target = seq;
  }

  incrNextSenderMsgSeqNum(): void {
    this.sender++;
  }

  incrNextTargetMsgSeqNum(): void {
    this.target++;
  }

  set(seq: number, message: Uint8Array): void {
    checkSeq(seq);
    const length = message.length;
    let last = this.chunks.length - 1;
    if (last < 0 || this.used + length > this.chunks[last].length) {
      this.chunks.push(this.nextChunk(length));
      this.used = 0;
      last = this.chunks.length - 1;
    }
    this.chunks[last].set(message, this.used);
    if (this.slots === this.seqs.length) this.makeRoom();
    const slot = this.slots++;
    this.seqs[slot] = seq;
    this.chunkOf[slot] = this.firstChunkId + last;
    this.offsets[slot] = this.used;
    this.lengths[slot] = length;
    this.used += length;
  }

  get(begin: number, end: number, visit: (seq: number, message: Uint8Array) => void): void {
    // The last slot of each seq in range (a seq set again supersedes the earlier copy), in seq order.
    const latest = new Map<number, number>();
    for (let slot = this.firstSlot; slot < this.slots; slot++) {
      const seq = this.seqs[slot];
      if (seq >= begin && seq <= end) latest.set(seq, slot);
    }
    for (const seq of [...latest.keys()].sort((a, b) => a - b)) {
      const slot = latest.get(seq) as number;
      const offset = this.offsets[slot];
      visit(seq, this.chunks[this.chunkOf[slot] - this.firstChunkId].subarray(offset, offset + this.lengths[slot]));
    }
  }

  reset(now: Date): void {
    this.chunks = [];
    this.firstChunkId = 0;
    this.used = 0;
    this.firstSlot = 0;
    this.slots = 0;
    this.sender = 1;
    this.target = 1;
    this.created = now;
  }

  flush(): void {}

  close(): void {}

  /** A chunk for what comes next: past maxChunks the oldest, its messages forgotten, else a new one. */
  private nextChunk(length: number): Buffer {
    const size = Math.max(ARENA_CHUNK_BYTES, length);
    if (this.chunks.length < this.maxChunks) return Buffer.allocUnsafeSlow(size);
    const oldest = this.chunks.shift() as Buffer;
    const oldestId = this.firstChunkId++;
    while (this.firstSlot < this.slots && this.chunkOf[this.firstSlot] === oldestId) this.firstSlot++;
    return oldest.length >= size ? oldest : Buffer.allocUnsafeSlow(size);
  }

  /** Room for one more slot: the kept slots moved to the front when at least half are forgotten, else a doubled index. */
  private makeRoom(): void {
    const kept = this.slots - this.firstSlot;
    if (this.firstSlot > 0 && kept <= this.seqs.length / 2) {
      for (const column of [this.seqs, this.chunkOf, this.offsets, this.lengths]) column.copyWithin(0, this.firstSlot, this.slots);
      this.firstSlot = 0;
      this.slots = kept;
      return;
    }
    const size = this.seqs.length * 2;
    const grow = <T extends Float64Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.seqs = grow(this.seqs, new Float64Array(size));
    this.chunkOf = grow(this.chunkOf, new Int32Array(size));
    this.offsets = grow(this.offsets, new Int32Array(size));
    this.lengths = grow(this.lengths, new Int32Array(size));
  }
}
