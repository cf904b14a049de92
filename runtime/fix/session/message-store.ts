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

/** A store in memory: for tests and for sessions that need not survive a restart. */
export class MemoryMessageStore extends MessageStoreState implements FixMessageStore {
  private readonly messages = new Map<number, Uint8Array>();

  constructor(now: Date = new Date()) {
    super(now);
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
    this.messages.set(seq, Uint8Array.prototype.slice.call(message));
  }

  get(begin: number, end: number, visit: (seq: number, message: Uint8Array) => void): void {
    const seqs = [...this.messages.keys()].filter((seq) => seq >= begin && seq <= end).sort((a, b) => a - b);
    for (const seq of seqs) visit(seq, this.messages.get(seq) as Uint8Array);
  }

  reset(now: Date): void {
    this.messages.clear();
    this.sender = 1;
    this.target = 1;
    this.created = now;
  }

  flush(): void {}

  close(): void {}
}
