// One FIX session (FIX 4.2 / 4.4): the session-layer rules on bytes in and bytes out,
// independent of the transport (FixAcceptor and FixInitiator attach sockets). The rules and
// their order follow the FIX specification's session-level test cases as QuickFIX's
// Session.cpp implements them (its acceptance scripts are the oracle, see the README):
// - every message: parsed (a garbled one is ignored; a garbled Logon disconnects), the
//   BeginString checked (wrong: Logout), then validated against the dictionary (Reject 35=3
//   with RefSeqNum/RefTagID/RefMsgType/SessionRejectReason, the first finding in QuickFIX's
//   order);
// - then, per message type, `verify`: a Logon first; SendingTime within maxLatency (else
//   Reject + Logout); CompIDs (else Reject + Logout); MsgSeqNum too high → queued and one
//   ResendRequest; too low without PossDupFlag → Logout and disconnect; too low with PossDup
//   → OrigSendingTime required and not after SendingTime, then ignored;
// - ResendRequest served from the store: application messages again with PossDupFlag and
//   OrigSendingTime, admin messages as SequenceReset-GapFill; SequenceReset (reset or gap
//   fill); ResetSeqNumFlag on Logon; heartbeats, TestRequest and the disconnect of a silent
//   peer on the clock's timers; BusinessMessageReject for a MsgType the application does not take.
import type { Logger } from 'pino';
import { pino } from 'pino';
import { STANDARD_DATA_FIELDS, dataFieldsOf } from '../fix-data-fields.ts';
import type { FixDictionary } from '../fix-dictionary.ts';
import { FixEncoder } from '../fix-encoder.ts';
import { FixError } from '../fix-error.ts';
import type { FixMessageView } from '../fix-message-view.ts';
import { FixParser } from '../fix-parser.ts';
import { FixValidator } from '../fix-validator.ts';
import type { FixMessageStore } from './message-store.ts';
import { type FixSessionClock, systemClock } from './session-clock.ts';
import { BUSINESS_REJECT_TEXT, REJECT_REASON, REVERSE_ROUTE, SESSION_REJECT_TEXT, UNSUPPORTED_MESSAGE_TYPE } from './session-reject.ts';

export interface FixApplication {
  /** Application MsgTypes it takes; any other is answered with BusinessMessageReject (UnsupportedMessageType). */
  readonly msgTypes: ReadonlySet<string>;
  /** A valid, in-sequence application message; `view` is valid during the call only. */
  onApplicationMessage(session: FixSession, view: FixMessageView): void;
  onLogon?(session: FixSession): void;
  onLogout?(session: FixSession): void;
  /** A valid, in-sequence session-level Reject (35=3) from the peer: RefSeqNum (45) names the message it refuses. */
  onSessionReject?(session: FixSession, view: FixMessageView): void;
}

/** Where a session's bytes go: a socket, or a test's array. `bytes` is valid during the call only. */
export interface FixTransport {
  write(bytes: Uint8Array): void;
  close(): void;
}

/** When the session may be logged on, and when its sequence numbers start again (SessionSchedule satisfies it). */
export interface FixSessionSchedule {
  isSessionTime(now: Date): boolean;
  /**
   * Whether `a` and `b` fall in the same session period; a store created in an earlier one
   * is reset (sequence numbers back to 1) before the next Logon, as QuickFIX does. Absent: never.
   */
  isSameSession?(a: Date, b: Date): boolean;
}

export interface FixSessionOptions {
  /** FIX.4.2 or FIX.4.4 (the dictionary's version). */
  beginString: string;
  senderCompID: string;
  targetCompID: string;
  dictionary: FixDictionary;
  store: FixMessageStore;
  application: FixApplication;
  /** 'initiator' sends the Logon; 'acceptor' answers one. */
  role: 'acceptor' | 'initiator';
  /** HeartBtInt (108) an initiator asks for, in seconds (default 30). */
  heartBtInt?: number;
  clock?: FixSessionClock;
  logger?: Logger;
  /** Largest |SendingTime − now| accepted (default 120 s, QuickFIX's MaxLatency); 0 turns the check off. */
  maxLatencyMs?: number;
  /** How long to wait for the Logon answer (initiator) or the first Logon (acceptor); default 10 s. */
  logonTimeoutMs?: number;
  /** How long to wait for the answer to a Logout this side sent before disconnecting; default 2 s. */
  logoutTimeoutMs?: number;
  /** Sequence numbers back to 1 on each Logon (initiators then send ResetSeqNumFlag=Y). */
  resetOnLogon?: boolean;
  resetOnLogout?: boolean;
  resetOnDisconnect?: boolean;
  schedule?: FixSessionSchedule;
  /** Period of the timer that checks heartbeats and timeouts (default 1 s). */
  tickMs?: number;
}

const NO_FIELDS: Field[] = [];
const ADMIN_TYPES = new Set(['0', '1', '2', '3', '4', '5', 'A']);
const SILENT = pino({ level: 'silent' });

/** 4.2 → 42, 4.4 → 44, FIXT.1.1 → 50: BeginStrings compared as QuickFIX does. */
function versionOf(beginString: string): number {
  const match = /^FIX\.(\d)\.(\d)$/.exec(beginString);
  return match === null ? 50 : Number(match[1]) * 10 + Number(match[2]);
}

/** Whether the first `tag` field of `view` has the value `text` (compared byte by byte: no string per message). */
function valueIs(view: FixMessageView, tag: number, text: string): boolean {
  const index = view.indexOf(tag);
  if (index < 0) return false;
  const start = view.valueStarts[index];
  if (view.valueEnds[index] - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (view.buffer[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The value of the first `tag` field of a message that did not parse, or undefined. */
function rawValue(text: string, tag: number): string | undefined {
  const at = text.indexOf(`\x01${tag}=`);
  if (at < 0) return undefined;
  const from = at + 2 + String(tag).length;
  const end = text.indexOf('\x01', from);
  return end < 0 ? undefined : text.slice(from, end);
}

/** A field of a message written in a header or a reply: [tag, value]. */
type Field = [number, string];

export class FixSession {
  readonly beginString: string;
  readonly senderCompID: string;
  readonly targetCompID: string;
  /** "FIX.4.4:SENDER->TARGET", as logs and lookups name it. */
  readonly id: string;
  readonly store: FixMessageStore;
  readonly log: Logger;

  private readonly version: number;
  private readonly dictionary: FixDictionary;
  private readonly application: FixApplication;
  private readonly initiator: boolean;
  private readonly clock: FixSessionClock;
  /** Data tag → its length tag (the dictionary's pairs): values that may hold the delimiter. */
  private readonly dataFields: ReadonlyMap<number, number>;
  private readonly parser: FixParser;
  private readonly resendParser: FixParser;
  private readonly validator: FixValidator;
  private readonly encoder: FixEncoder;
  private readonly options: FixSessionOptions;

  private transport: FixTransport | undefined;
  private timer: { cancel(): void } | undefined;
  private heartBtInt: number;
  private receivedLogon = false;
  private sentLogon = false;
  private sentLogout = false;
  private sentReset = false;
  private receivedReset = false;
  private testRequests = 0;
  private connectedAt = 0;
  private logonSentAt = 0;
  private logoutSentAt = 0;
  private lastSent = 0;
  private lastReceived = 0;
  /** The gap a ResendRequest asked for, [begin, end]; end 0: none outstanding. */
  private resendBegin = 0;
  private resendEnd = 0;
  /** Messages that came too early, by MsgSeqNum, processed once the gap before them is filled. */
  private readonly queue = new Map<number, Buffer>();

  constructor(options: FixSessionOptions) {
    this.options = options;
    this.beginString = options.beginString;
    this.senderCompID = options.senderCompID;
    this.targetCompID = options.targetCompID;
    this.id = `${options.beginString}:${options.senderCompID}->${options.targetCompID}`;
    this.version = versionOf(options.beginString);
    this.dictionary = options.dictionary;
    this.store = options.store;
    this.application = options.application;
    this.initiator = options.role === 'initiator';
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? SILENT).child({ session: this.id });
    this.heartBtInt = options.heartBtInt ?? 30;
    this.dataFields = new Map([...STANDARD_DATA_FIELDS, ...dataFieldsOf(options.dictionary)]);
    this.parser = new FixParser({ dataFields: this.dataFields });
    this.resendParser = new FixParser({ dataFields: this.dataFields });
    this.validator = new FixValidator(options.dictionary, { strict: true });
    this.encoder = new FixEncoder({ beginString: options.beginString });
  }

  /** Logged on both ways: a Logon received and one sent. */
  get isLoggedOn(): boolean {
    return this.receivedLogon && this.sentLogon;
  }

  get isConnected(): boolean {
    return this.transport !== undefined;
  }

  /** Binds a connection; an initiator sends its Logon at once. */
  connect(transport: FixTransport): void {
    if (this.transport !== undefined) throw new Error(`${this.id} is already connected`);
    this.transport = transport;
    const now = this.clock.monotonicNow();
    this.connectedAt = now;
    this.lastReceived = now;
    this.lastSent = now;
    this.timer = this.clock.every(this.options.tickMs ?? 1000, () => this.tick());
    this.log.info('connected');
    const schedule = this.options.schedule;
    const today = new Date(this.clock.wallNow());
    if (schedule?.isSameSession !== undefined && !schedule.isSameSession(this.store.creationTime, today)) {
      this.log.info({ created: this.store.creationTime }, 'new session period');
      this.reset();
    }
    if (this.initiator) {
      if (this.options.resetOnLogon) this.reset();
      this.sendLogon();
    }
  }

  /** One framed message from the peer: bytes [start, end) of `buffer`. */
  receive(buffer: Uint8Array, start: number, end: number): void {
    if (this.transport === undefined) return;
    if (this.log.isLevelEnabled('trace')) this.log.trace({ message: Buffer.from(buffer.subarray(start, end)).toString('latin1').replaceAll('\x01', '|') }, 'in');
    let view: FixMessageView;
    try {
      view = this.parser.parse(buffer, start, end);
    } catch (error) {
      if (!(error instanceof FixError)) throw error;
      this.garbled(buffer, start, end, error);
      return;
    }
    this.process(view);
    this.nextQueued();
  }

  /** Whether `transport` is the connection this session is bound to now. */
  isBoundTo(transport: FixTransport): boolean {
    return this.transport === transport;
  }

  /**
   * The transport is gone (closed by the peer, or an error). With `transport`, only if that
   * is still the session's connection (a late close of an old one must not end a new one).
   */
  disconnected(reason = 'connection closed', transport?: FixTransport): void {
    if (this.transport === undefined || (transport !== undefined && transport !== this.transport)) return;
    this.transport = undefined;
    this.timer?.cancel();
    this.timer = undefined;
    const wasLoggedOn = this.isLoggedOn;
    this.receivedLogon = false;
    this.sentLogon = false;
    this.sentLogout = false;
    this.sentReset = false;
    this.receivedReset = false;
    this.testRequests = 0;
    this.resendBegin = 0;
    this.resendEnd = 0;
    this.queue.clear();
    if (this.options.resetOnDisconnect) this.reset();
    this.log.info({ reason }, 'disconnected');
    if (wasLoggedOn) this.application.onLogout?.(this);
  }

  /** Closes the connection now, without a Logout. */
  disconnect(reason: string): void {
    const transport = this.transport;
    if (transport === undefined) return;
    this.disconnected(reason);
    transport.close();
  }

  /** Sends a Logout; the connection closes on the peer's answer or after logoutTimeoutMs. */
  logout(text?: string): void {
    if (this.transport === undefined || this.sentLogout) return;
    this.sendLogout(text);
  }

  /**
   * Sends an application message: the standard header, then what `body` writes (header fields
   * of the application's own, such as OnBehalfOfCompID, first). Returns its MsgSeqNum.
   */
  send(msgType: string, body: (encoder: FixEncoder) => void): number {
    if (!this.isLoggedOn) throw new Error(`${this.id} is not logged on`);
    return this.sendMessage(msgType, undefined, body);
  }

  // Incoming messages.

  private garbled(buffer: Uint8Array, start: number, end: number, error: FixError): void {
    const text = Buffer.from(buffer.buffer, buffer.byteOffset + start, end - start).toString('latin1');
    // A tag that is a number but not a valid one (0=, -1=) in an otherwise sound message: FIX's "Invalid tag number".
    const badTag = error.code === 'BadTag' ? /^-?\d+/.exec(text.slice(error.offset - start)) : null;
    if (badTag !== null && text.charCodeAt(error.offset - start + badTag[0].length) === 0x3d && this.receivedLogon) {
      this.log.warn({ error: error.message }, 'invalid tag number');
      this.sendReject(rawValue(text, 35) ?? '', rawValue(text, 34), [], REJECT_REASON.invalidTagNumber, badTag[0]);
      return;
    }
    this.log.warn({ error: error.message }, 'garbled message ignored');
    if (!this.receivedLogon || rawValue(text, 35) === 'A') this.disconnect(`garbled ${this.receivedLogon ? 'Logon' : 'message before Logon'}: ${error.message}`);
  }

  private process(view: FixMessageView): void {
    const msgType = view.stringAt(2);
    if (!this.receivedLogon && msgType !== 'A' && !this.initiator) {
      this.disconnect(`first message is not a Logon (35=${msgType})`);
      return;
    }
    const missing = view.indexOf(49) < 0 ? 49 : view.indexOf(56) < 0 ? 56 : 0;
    if (missing !== 0) {
      if (msgType === 'A' || !this.receivedLogon) this.disconnect(`Logon without tag ${missing}`);
      else this.reject(view, REJECT_REASON.requiredTagMissing, String(missing));
      return;
    }
    if (view.stringAt(0) !== this.beginString) {
      if (msgType === '5') {
        this.nextLogout(view);
      } else {
        this.sendLogout('Incorrect BeginString');
        this.store.incrNextTargetMsgSeqNum();
      }
      return;
    }
    if (this.validator.validate(view) > 0) {
      const reason = this.validator.rejectReasonAt(0);
      this.log.warn({ finding: this.validator.describe(0) }, 'invalid message');
      if (!this.receivedLogon) this.disconnect(`invalid Logon: ${this.validator.describe(0)}`);
      else this.reject(view, reason, reason === REJECT_REASON.invalidMsgType ? undefined : String(this.validator.tagAt(0)));
      return;
    }
    switch (msgType) {
      case 'A':
        return this.nextLogon(view);
      case '0':
        return this.nextHeartbeat(view);
      case '1':
        return this.nextTestRequest(view);
      case '2':
        return this.nextResendRequest(view);
      case '3':
        return this.nextReject(view);
      case '4':
        return this.nextSequenceReset(view);
      case '5':
        return this.nextLogout(view);
      default:
        return this.nextApplication(view, msgType);
    }
  }

  private nextLogon(view: FixMessageView): void {
    if (!this.inSchedule()) {
      this.disconnect('Logon outside the session schedule');
      return;
    }
    const heartBtInt = view.getInt(108);
    if (heartBtInt < 0) {
      this.sendLogout(`HeartBtInt ${heartBtInt} is negative`);
      this.disconnect(`HeartBtInt ${heartBtInt} is negative`);
      return;
    }
    const reset = view.indexOf(141) >= 0 && view.getChar(141) === 'Y';
    this.receivedReset = reset;
    if (reset && !this.sentReset) this.reset();
    if (this.initiator && !this.sentLogon && !reset) {
      this.disconnect('Logon answer before a Logon was sent');
      return;
    }
    if (!this.initiator && this.options.resetOnLogon && !this.receivedLogon) this.reset();
    if (!this.verify(view, false, true)) return;
    this.receivedLogon = true;
    if (!this.initiator || (reset && !this.sentReset)) {
      this.heartBtInt = heartBtInt;
      this.sendLogon();
    }
    this.sentReset = false;
    this.receivedReset = false;
    const seq = view.getInt(34);
    if (seq > this.store.nextTargetMsgSeqNum && !reset) {
      this.doTargetTooHigh(view, seq);
    } else {
      this.store.incrNextTargetMsgSeqNum();
      this.nextQueued();
    }
    this.log.info({ heartBtInt: this.heartBtInt }, 'logged on');
    if (this.isLoggedOn) this.application.onLogon?.(this);
  }

  private nextHeartbeat(view: FixMessageView): void {
    if (!this.verify(view, true, true)) return;
    this.store.incrNextTargetMsgSeqNum();
  }

  private nextTestRequest(view: FixMessageView): void {
    if (!this.verify(view, true, true)) return;
    const id = view.getString(112);
    this.sendMessage('0', undefined, (encoder) => encoder.string(112, id));
    this.store.incrNextTargetMsgSeqNum();
  }

  private nextReject(view: FixMessageView): void {
    if (!this.verify(view, false, true)) return;
    this.store.incrNextTargetMsgSeqNum();
    this.application.onSessionReject?.(this, view);
  }

  private nextSequenceReset(view: FixMessageView): void {
    const gapFill = view.indexOf(123) >= 0 && view.getChar(123) === 'Y';
    if (!this.verify(view, gapFill, gapFill)) return;
    const newSeqNo = view.getInt(36);
    const expected = this.store.nextTargetMsgSeqNum;
    this.log.info({ newSeqNo, gapFill }, 'SequenceReset');
    if (newSeqNo > expected) this.store.setNextTargetMsgSeqNum(newSeqNo);
    else if (newSeqNo < expected) this.reject(view, REJECT_REASON.valueIsIncorrect);
  }

  private nextLogout(view: FixMessageView): void {
    if (!this.verify(view, false, false)) return;
    if (!this.sentLogout) this.sendLogout();
    this.store.incrNextTargetMsgSeqNum();
    if (this.options.resetOnLogout) this.reset();
    this.disconnect('Logout');
  }

  private nextResendRequest(view: FixMessageView): void {
    if (!this.verify(view, false, false)) return;
    const begin = view.getInt(7);
    let end = view.getInt(16);
    const next = this.store.nextSenderMsgSeqNum;
    if ((this.version >= 42 && end === 0) || (this.version <= 42 && end === 999_999) || end >= next) end = next - 1;
    this.log.info({ begin, end }, 'ResendRequest');
    this.resend(begin, end);
    const seq = view.getInt(34);
    if (seq === this.store.nextTargetMsgSeqNum) this.store.incrNextTargetMsgSeqNum();
  }

  private nextApplication(view: FixMessageView, msgType: string): void {
    if (!this.verify(view, true, true)) return;
    if (!this.application.msgTypes.has(msgType) || ADMIN_TYPES.has(msgType)) {
      this.sendBusinessReject(view, UNSUPPORTED_MESSAGE_TYPE);
      return;
    }
    this.application.onApplicationMessage(this, view);
    this.store.incrNextTargetMsgSeqNum();
  }

  /** Messages that came too early and whose turn it now is. */
  private nextQueued(): void {
    for (;;) {
      const expected = this.store.nextTargetMsgSeqNum;
      const bytes = this.queue.get(expected);
      if (bytes === undefined || this.transport === undefined) return;
      this.queue.delete(expected);
      const view = this.parser.parse(bytes);
      const msgType = view.stringAt(2);
      this.log.debug({ seq: expected }, 'processing queued message');
      if (msgType === 'A' || msgType === '2') this.store.incrNextTargetMsgSeqNum();
      else this.process(view);
    }
  }

  /** The checks every accepted message passes (QuickFIX's Session::verify); false: the message was dealt with. */
  private verify(view: FixMessageView, checkTooHigh: boolean, checkTooLow: boolean): boolean {
    const msgType = view.stringAt(2);
    if (!this.validLogonState(msgType)) {
      this.disconnect(`35=${msgType} is not valid in this logon state`);
      return false;
    }
    const maxLatency = this.options.maxLatencyMs ?? 120_000;
    if (maxLatency > 0 && Math.abs(this.clock.wallNow() - view.getUtcTimestamp(52)) > maxLatency) {
      this.reject(view, REJECT_REASON.sendingTimeAccuracyProblem);
      this.sendLogout();
      return false;
    }
    if (!valueIs(view, 49, this.targetCompID) || !valueIs(view, 56, this.senderCompID)) {
      this.reject(view, REJECT_REASON.compIdProblem);
      this.sendLogout();
      return false;
    }
    if (checkTooHigh || checkTooLow) {
      const seq = view.getInt(34);
      const expected = this.store.nextTargetMsgSeqNum;
      if (checkTooHigh && seq > expected) {
        this.doTargetTooHigh(view, seq);
        return false;
      }
      if (checkTooLow && seq < expected) {
        this.doTargetTooLow(view, seq, expected);
        return false;
      }
      if (this.resendEnd > 0 && seq >= this.resendEnd) {
        this.log.info({ begin: this.resendBegin, end: this.resendEnd }, 'ResendRequest satisfied');
        this.resendBegin = 0;
        this.resendEnd = 0;
      }
    }
    this.lastReceived = this.clock.monotonicNow();
    this.testRequests = 0;
    return true;
  }

  private validLogonState(msgType: string): boolean {
    if ((msgType === 'A' && this.sentReset) || this.receivedReset) return true;
    if ((msgType === 'A' && !this.receivedLogon) || (msgType !== 'A' && this.receivedLogon)) return true;
    if (msgType === '5' && this.sentLogon) return true;
    if (msgType !== '5' && this.sentLogout) return true;
    return msgType === '4' || msgType === '3';
  }

  private doTargetTooHigh(view: FixMessageView, seq: number): void {
    this.log.info({ seq, expected: this.store.nextTargetMsgSeqNum }, 'MsgSeqNum too high');
    this.queue.set(seq, Buffer.from(view.buffer.subarray(view.start, view.end)));
    if (this.resendEnd > 0 && seq >= this.resendBegin) return;
    const begin = this.store.nextTargetMsgSeqNum;
    this.sendMessage('2', undefined, (encoder) => encoder.int(7, begin).int(16, this.version >= 42 ? 0 : 999_999));
    this.resendBegin = begin;
    this.resendEnd = seq - 1;
  }

  private doTargetTooLow(view: FixMessageView, seq: number, expected: number): void {
    if (!(view.indexOf(43) >= 0 && view.getChar(43) === 'Y')) {
      const text = `MsgSeqNum too low, expecting ${expected} but received ${seq}`;
      this.sendLogout(text);
      this.disconnect(text);
      return;
    }
    if (view.stringAt(2) === '4') return;
    if (view.indexOf(122) < 0) {
      this.reject(view, REJECT_REASON.requiredTagMissing, '122');
    } else if (view.getUtcTimestamp(122) > view.getUtcTimestamp(52)) {
      this.reject(view, REJECT_REASON.sendingTimeAccuracyProblem);
      this.sendLogout();
    }
  }

  // Timers.

  private tick(): void {
    if (this.transport === undefined) return;
    const now = this.clock.monotonicNow();
    if (!this.inSchedule()) {
      if (this.isLoggedOn) this.logout('Session end');
      else if (this.initiator || this.receivedLogon) this.disconnect('outside the session schedule');
    }
    const logonTimeout = this.options.logonTimeoutMs ?? 10_000;
    if (!this.receivedLogon) {
      const since = this.initiator ? this.logonSentAt : this.connectedAt;
      if (now - since >= logonTimeout) this.disconnect('timed out waiting for Logon');
      return;
    }
    if (this.sentLogout && now - this.logoutSentAt >= (this.options.logoutTimeoutMs ?? 2000)) {
      this.disconnect('timed out waiting for the Logout answer');
      return;
    }
    const interval = this.heartBtInt * 1000;
    if (interval === 0) return;
    const sinceReceived = now - this.lastReceived;
    if (now - this.lastSent < interval && sinceReceived < interval) return;
    if (sinceReceived >= 2.4 * interval) {
      this.disconnect('timed out waiting for a heartbeat');
    } else if (sinceReceived >= 1.2 * (this.testRequests + 1) * interval) {
      this.sendMessage('1', undefined, (encoder) => encoder.string(112, 'TEST'));
      this.testRequests++;
    } else if (now - this.lastSent >= interval && this.testRequests === 0) {
      this.sendMessage('0', undefined, () => {});
    }
  }

  private inSchedule(): boolean {
    const schedule = this.options.schedule;
    return schedule === undefined || schedule.isSessionTime(new Date(this.clock.wallNow()));
  }

  // Outgoing messages.

  private reset(): void {
    this.log.info('sequence numbers reset to 1');
    this.store.reset(new Date(this.clock.wallNow()));
    this.queue.clear();
  }

  private sendLogon(): void {
    const reset = this.receivedReset || (this.initiator && (this.options.resetOnLogon ?? false));
    this.sendMessage('A', undefined, (encoder) => {
      encoder.int(98, 0).int(108, this.heartBtInt);
      if (reset) encoder.char(141, 'Y');
    });
    if (this.initiator && reset) this.sentReset = true;
    this.sentLogon = true;
    this.logonSentAt = this.clock.monotonicNow();
  }

  private sendLogout(text?: string): void {
    this.sendMessage('5', undefined, (encoder) => {
      if (text !== undefined) encoder.string(58, text);
    });
    this.sentLogout = true;
    this.logoutSentAt = this.clock.monotonicNow();
  }

  /** A Reject (35=3) of `view`: SessionRejectReason `reason`, RefTagID `refTag` if one. */
  private reject(view: FixMessageView, reason: number, refTag?: string): void {
    const seqIndex = view.indexOf(34);
    const routing: Field[] = [];
    for (const [tag, reply] of REVERSE_ROUTE) {
      const index = view.indexOf(tag);
      if (index >= 0 && view.valueEnds[index] > view.valueStarts[index]) routing.push([reply, view.stringAt(index)]);
    }
    this.sendReject(view.stringAt(2), seqIndex < 0 ? undefined : view.stringAt(seqIndex), routing, reason, refTag);
  }

  private sendReject(msgType: string, seq: string | undefined, routing: Field[], reason: number, refTag: string | undefined): void {
    if (!this.receivedLogon) {
      this.disconnect(`${SESSION_REJECT_TEXT[reason]} before Logon`);
      return;
    }
    const text = SESSION_REJECT_TEXT[reason];
    const body: Field[] = [];
    if (seq !== undefined && seq !== '') body.push([45, seq]);
    if (refTag !== undefined && this.version >= 42) body.push([58, text], [371, refTag]);
    else body.push([58, refTag === undefined ? text : `${text} (${refTag})`]);
    if (this.version >= 42 && msgType !== '') body.push([372, msgType]);
    if ((this.version === 42 && reason <= REJECT_REASON.invalidMsgType) || this.version > 42) body.push([373, String(reason)]);
    if (msgType !== 'A' && msgType !== '4' && seq !== undefined && Number(seq) === this.store.nextTargetMsgSeqNum) this.store.incrNextTargetMsgSeqNum();
    this.log.warn({ refSeqNum: seq, refMsgType: msgType, reason, refTag }, `Reject: ${text}`);
    this.sendMessage('3', routing, (encoder) => {
      for (const [tag, value] of body) encoder.string(tag, value);
    });
  }

  private sendBusinessReject(view: FixMessageView, reason: number): void {
    const msgType = view.stringAt(2);
    const seq = view.getString(34);
    this.store.incrNextTargetMsgSeqNum();
    this.log.warn({ refSeqNum: seq, refMsgType: msgType, reason }, 'BusinessMessageReject');
    this.sendMessage('j', undefined, (encoder) => encoder.string(45, seq).string(58, BUSINESS_REJECT_TEXT[reason]).string(372, msgType).int(380, reason));
  }

  /** Serves a ResendRequest for [begin, end] from the store (QuickFIX's nextResendRequest). */
  private resend(begin: number, end: number): void {
    const stored: [number, Buffer][] = [];
    this.store.get(begin, end, (seq, bytes) => stored.push([seq, Buffer.from(bytes)]));
    let gapFrom = 0;
    let current = begin;
    let last = 0;
    for (const [seq, bytes] of stored) {
      const view = this.resendParser.parse(bytes);
      const msgType = view.stringAt(2);
      if (current !== seq && gapFrom === 0) gapFrom = current;
      if (ADMIN_TYPES.has(msgType)) {
        if (gapFrom === 0) gapFrom = seq;
      } else {
        if (gapFrom !== 0) this.sendGapFill(gapFrom, seq);
        this.resendApplication(view, seq);
        gapFrom = 0;
      }
      current = seq + 1;
      last = seq;
    }
    if (gapFrom !== 0) this.sendGapFill(gapFrom, last + 1);
    if (end > last) this.sendGapFill(begin, Math.min(end + 1, this.store.nextSenderMsgSeqNum));
  }

  /** SequenceReset-GapFill sent as MsgSeqNum `seq`: the messages up to newSeqNo are not sent again. */
  private sendGapFill(seq: number, newSeqNo: number): void {
    this.log.info({ seq, newSeqNo }, 'gap fill');
    this.writeMessage('4', seq, [[43, 'Y']], true, (encoder) => encoder.int(36, newSeqNo).char(123, 'Y'));
  }

  /**
   * A stored application message again, with PossDupFlag and its first SendingTime as
   * OrigSendingTime: the standard header anew, then every field the application wrote, as it
   * wrote them (data fields byte for byte, delimiters inside included).
   */
  private resendApplication(view: FixMessageView, seq: number): void {
    const original = view.getString(52);
    // The application's fields follow the standard header, which ends with TargetCompID.
    const from = view.indexOf(56) + 1;
    const dataFields = this.dataFields;
    this.writeMessage(view.stringAt(2), seq, [[43, 'Y'], [122, original]], false, (encoder) => {
      for (let i = from; i < view.count - 1; i++) {
        const tag = view.tags[i];
        if (tag === 43 || tag === 122) continue;
        const lengthTag = dataFields.get(tag);
        if (lengthTag !== undefined && view.tags[i - 1] === lengthTag) encoder.data(lengthTag, tag, view.buffer.subarray(view.valueStarts[i], view.valueEnds[i]));
        else if (i + 2 < view.count && dataFields.get(view.tags[i + 1]) === tag) continue; // written with its data field
        else encoder.string(tag, view.stringAt(i));
      }
    });
  }

  /** A new message: the next MsgSeqNum, kept in the store. */
  private sendMessage(msgType: string, headerFields: Field[] | undefined, body: (encoder: FixEncoder) => void): number {
    const seq = this.store.nextSenderMsgSeqNum;
    const bytes = this.encode(msgType, seq, headerFields ?? NO_FIELDS, false, body);
    this.store.set(seq, bytes);
    this.store.incrNextSenderMsgSeqNum();
    this.transmit(bytes);
    return seq;
  }

  /** A message sent with a MsgSeqNum of its own (resends and gap fills): not stored, the next MsgSeqNum unchanged. */
  private writeMessage(msgType: string, seq: number, headerFields: Field[], origIsNow: boolean, body: (encoder: FixEncoder) => void): void {
    this.transmit(this.encode(msgType, seq, headerFields, origIsNow, body));
  }

  /**
   * The standard header in tag order (BeginString, BodyLength, MsgType first): MsgSeqNum,
   * SenderCompID, SendingTime, TargetCompID and `headerFields` sorted among them, as
   * QuickFIX orders a header; OrigSendingTime = SendingTime when `origIsNow` (gap fills).
   */
  private encode(msgType: string, seq: number, headerFields: Field[], origIsNow: boolean, body: (encoder: FixEncoder) => void): Buffer {
    const now = this.clock.wallNow();
    if (headerFields.length === 0 && !origIsNow) {
      // Most messages: the standard header alone, nothing to sort.
      body(this.encoder.begin(msgType).int(34, seq).string(49, this.senderCompID).utcTimestamp(52, now).string(56, this.targetCompID));
      this.encoder.finish();
      return this.encoder.buffer.subarray(this.encoder.start, this.encoder.end);
    }
    const fields: Field[] = [[34, ''], [49, this.senderCompID], [52, ''], [56, this.targetCompID], ...headerFields];
    if (origIsNow) fields.push([122, '']);
    fields.sort((a, b) => a[0] - b[0]);
    const encoder = this.encoder.begin(msgType);
    for (const [tag, value] of fields) {
      if (tag === 34) encoder.int(34, seq);
      else if (tag === 52 || (tag === 122 && value === '')) encoder.utcTimestamp(tag, now);
      else encoder.string(tag, value);
    }
    body(encoder);
    encoder.finish();
    return encoder.buffer.subarray(encoder.start, encoder.end);
  }

  private transmit(bytes: Uint8Array): void {
    if (this.log.isLevelEnabled('trace')) this.log.trace({ message: Buffer.from(bytes).toString('latin1').replaceAll('\x01', '|') }, 'out');
    this.lastSent = this.clock.monotonicNow();
    this.transport?.write(bytes);
  }
}
