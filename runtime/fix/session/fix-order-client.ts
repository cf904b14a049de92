// A short-lived FIX order client (what `marketfeed fix send` runs): an initiator session that
// logs on with ResetSeqNumFlag (a command line keeps no sequence numbers between runs),
// sends order messages given as tag=value fields, and follows each by its ClOrdID until it
// is done: an ExecutionReport in a final OrdStatus (filled, canceled, rejected, expired, done
// for day), an OrderCancelReject, an OrderMassCancelReport or a BusinessMessageReject.
import type { FixDictionary } from '../fix-dictionary.ts';
import type { FixMessageView } from '../fix-message-view.ts';
import { FixInitiator } from './fix-initiator.ts';
import { FixSession } from './fix-session.ts';
import { MemoryMessageStore } from './message-store.ts';

/** A message to send: MsgType and its body fields in order (no header or trailer fields). */
export interface OrderMessage {
  msgType: string;
  fields: [number, string][];
}

/** Header and trailer tags the session writes itself; given on an input line they are dropped. */
const SESSION_TAGS = new Set([8, 9, 10, 34, 43, 49, 52, 56, 97, 122]);
/** Final OrdStatus values: the order can no longer trade. */
const FINAL_STATUS = new Set(['2', '3', '4', '8', 'C']);

/**
 * One `tag=value` line: fields separated by '|' or SOH; 35 gives the MsgType (default D,
 * NewOrderSingle). Throws a RangeError naming the bad field.
 */
export function parseOrderLine(line: string): OrderMessage {
  const separator = line.includes('\x01') ? '\x01' : '|';
  let msgType = 'D';
  const fields: [number, string][] = [];
  for (const part of line.split(separator)) {
    const field = part.trim();
    if (field === '') continue;
    const match = /^(\d{1,9})=(.+)$/.exec(field);
    if (match === null) throw new RangeError(`"${field}" is not tag=value`);
    const tag = Number(match[1]);
    if (tag === 0) throw new RangeError(`"${field}": tag 0 does not exist`);
    if (tag === 35) msgType = match[2];
    else if (!SESSION_TAGS.has(tag)) fields.push([tag, match[2]]);
  }
  if (fields.length === 0) throw new RangeError('no fields');
  return { msgType, fields };
}

export interface FixOrderClientOptions {
  host: string;
  port: number;
  senderCompID: string;
  targetCompID: string;
  dictionary: FixDictionary;
  heartBtInt?: number;
  /**
   * Every ExecutionReport, OrderCancelReject, OrderMassCancelReport and BusinessMessageReject
   * received, and every session-level Reject (35=3) of a message sent.
   */
  onReport(view: FixMessageView): void;
}

export class FixOrderClient {
  readonly session: FixSession;
  private readonly initiator: FixInitiator;
  /** ClOrdID → done, for every message sent. */
  private readonly open = new Map<string, boolean>();
  /** ClOrdIDs that got at least one report. */
  private readonly answered = new Set<string>();
  /** MsgSeqNum → ClOrdID of each message sent: a session-level Reject names the message by RefSeqNum (45). */
  private readonly clOrdIdBySeq = new Map<number, string>();
  /** Answers that refuse something: ExecType 8, OrderCancelReject, BusinessMessageReject, a rejected mass cancel, a session-level Reject. */
  rejects = 0;

  constructor(options: FixOrderClientOptions) {
    this.session = new FixSession({
      beginString: options.dictionary.version,
      senderCompID: options.senderCompID,
      targetCompID: options.targetCompID,
      dictionary: options.dictionary,
      store: new MemoryMessageStore(),
      role: 'initiator',
      heartBtInt: options.heartBtInt ?? 30,
      resetOnLogon: true,
      application: {
        msgTypes: new Set(['8', '9', 'r', 'j']),
        onApplicationMessage: (_, view) => {
          this.follow(view);
          options.onReport(view);
        },
        onSessionReject: (_, view) => {
          this.rejects++;
          const clOrdId = view.has(45) ? this.clOrdIdBySeq.get(view.getInt(45)) : undefined;
          if (clOrdId !== undefined) {
            this.answered.add(clOrdId);
            this.open.set(clOrdId, true);
          }
          options.onReport(view);
        },
      },
    });
    // No reconnect: a refused logon is the answer.
    this.initiator = new FixInitiator({ session: this.session, host: options.host, port: options.port, reconnectIntervalMs: 2 ** 31 - 1 });
  }

  /** Connects and resolves once logged on; rejects when the connection or the Logon fails, or after `timeoutMs`. */
  async logon(timeoutMs: number): Promise<void> {
    this.initiator.start();
    const deadline = Date.now() + timeoutMs;
    while (!this.session.isLoggedOn) {
      if (this.initiator.connections > 0 && !this.session.isConnected) throw new Error('the acceptor closed the connection without a Logon answer (unknown CompIDs or version?)');
      if (Date.now() > deadline) throw new Error(this.initiator.connections === 0 ? `no connection in ${timeoutMs} ms` : `no Logon answer in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Sends one message (TransactTime added to orders that lack it) and follows its ClOrdID. */
  send(message: OrderMessage): void {
    const clOrdId = message.fields.find(([tag]) => tag === 11)?.[1];
    if (clOrdId !== undefined) this.open.set(clOrdId, false);
    const needsTime = ['D', 'F', 'G', 'q'].includes(message.msgType) && !message.fields.some(([tag]) => tag === 60);
    const seq = this.session.send(message.msgType, (e) => {
      for (const [tag, value] of message.fields) e.string(tag, value);
      if (needsTime) e.utcTimestamp(60, Date.now());
    });
    if (clOrdId !== undefined) this.clOrdIdBySeq.set(seq, clOrdId);
  }

  /** ClOrdIDs sent that are not done yet. */
  get pending(): string[] {
    return [...this.open].filter(([, done]) => !done).map(([id]) => id);
  }

  /** ClOrdIDs sent that got no report at all (neither an application answer nor a session-level Reject). */
  get unanswered(): string[] {
    return [...this.open.keys()].filter((id) => !this.answered.has(id));
  }

  /** Resolves once every message sent is done, or after `timeoutMs` (see pending). */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.length > 0 && this.session.isLoggedOn && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Logs out, waits for the answer (or `graceMs`) and closes the connection. */
  stop(graceMs = 2000): Promise<void> {
    return this.initiator.stop(graceMs);
  }

  private follow(view: FixMessageView): void {
    const msgType = view.getString(35);
    const clOrdId = view.has(11) ? view.getString(11) : undefined;
    if (clOrdId !== undefined) this.answered.add(clOrdId);
    let done: boolean;
    if (msgType === '8') {
      const execType = view.has(150) ? view.getString(150) : '';
      // The answer to an OrderStatusRequest (4.4 ExecType I, 4.2 ExecTransType 3) is all there is to wait for.
      const statusAnswer = execType === 'I' || (view.has(20) && view.getString(20) === '3');
      const ordStatus = view.getString(39);
      if (execType === '8' || (statusAnswer && ordStatus === '8')) this.rejects++;
      done = statusAnswer || FINAL_STATUS.has(ordStatus) || execType === '5';
    } else if (msgType === 'r') {
      if (view.has(532)) this.rejects++;
      done = true;
    } else {
      // OrderCancelReject; BusinessMessageReject refers to the message by BusinessRejectRefID (379).
      this.rejects++;
      done = true;
    }
    if (!done) return;
    // A cancel or replace ends the order's earlier ClOrdID (OrigClOrdID) too.
    const ids = msgType === 'j' ? [view.has(379) ? view.getString(379) : undefined] : [clOrdId, msgType === '8' && view.has(41) ? view.getString(41) : undefined];
    if (msgType === 'j' && ids[0] !== undefined) this.answered.add(ids[0]);
    for (const id of ids) if (id !== undefined && this.open.has(id)) this.open.set(id, true);
  }
}
