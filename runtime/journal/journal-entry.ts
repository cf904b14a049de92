// A flyweight over one 64-byte journal entry (layout: journal-entry-layout.ts) inside an
// Int32Array: a ring slot, a file frame or a scratch entry. wrap() re-points it; getters and
// setters touch the words directly, so appending or reading an entry allocates nothing.
// readJournalFields/writeJournalFields convert to and from a plain object (tools, tests).
import { readI64, readU64, writeU64 } from '../record/market-data-record.ts';
import { JOURNAL_ENTRY_WORDS, JournalWord as W } from './journal-entry-layout.ts';

export interface JournalEntryFields {
  sequence: number;
  monotonicNs: number;
  wallNs: number;
  kind: number;
  side: number;
  execType: number;
  ordStatus: number;
  instrument: number;
  orderCounter: number;
  price: number;
  quantity: number;
  /** Also origOrderCounter's low word for a cancel or replace sent. */
  cumQuantity: number;
  /** Also origOrderCounter's high word for a cancel or replace sent. */
  leavesQuantity: number;
  reason: number;
  flags: number;
}

export class JournalEntry {
  words: Int32Array;
  base: number;

  constructor(words: Int32Array = new Int32Array(JOURNAL_ENTRY_WORDS), base = 0) {
    this.words = words;
    this.base = base;
  }

  wrap(words: Int32Array, base: number): this {
    this.words = words;
    this.base = base;
    return this;
  }

  get sequence(): number {
    return readU64(this.words, this.base + W.sequenceLo);
  }
  set sequence(value: number) {
    writeU64(this.words, this.base + W.sequenceLo, value);
  }
  get monotonicNs(): number {
    return readU64(this.words, this.base + W.monotonicLo);
  }
  set monotonicNs(value: number) {
    writeU64(this.words, this.base + W.monotonicLo, value);
  }
  get wallNs(): number {
    return readU64(this.words, this.base + W.wallLo);
  }
  set wallNs(value: number) {
    writeU64(this.words, this.base + W.wallLo, value);
  }
  get kind(): number {
    return this.words[this.base + W.kindSideExecStatus] & 0xff;
  }
  get side(): number {
    return (this.words[this.base + W.kindSideExecStatus] >>> 8) & 0xff;
  }
  get execType(): number {
    return (this.words[this.base + W.kindSideExecStatus] >>> 16) & 0xff;
  }
  get ordStatus(): number {
    return this.words[this.base + W.kindSideExecStatus] >>> 24;
  }
  /** Kind, side, ExecType and OrdStatus in one store (each a byte). */
  setCodes(kind: number, side: number, execType: number, ordStatus: number): void {
    this.words[this.base + W.kindSideExecStatus] = (kind & 0xff) | ((side & 0xff) << 8) | ((execType & 0xff) << 16) | ((ordStatus & 0xff) << 24);
  }
  get instrument(): number {
    return this.words[this.base + W.instrument] >>> 0;
  }
  set instrument(value: number) {
    this.words[this.base + W.instrument] = value | 0;
  }
  get orderCounter(): number {
    return readU64(this.words, this.base + W.orderCounterLo);
  }
  set orderCounter(value: number) {
    writeU64(this.words, this.base + W.orderCounterLo, value);
  }
  get price(): number {
    return readI64(this.words, this.base + W.priceLo);
  }
  set price(value: number) {
    writeU64(this.words, this.base + W.priceLo, value);
  }
  get quantity(): number {
    return this.words[this.base + W.quantity] >>> 0;
  }
  set quantity(value: number) {
    this.words[this.base + W.quantity] = value | 0;
  }
  get cumQuantity(): number {
    return this.words[this.base + W.cumQuantity] >>> 0;
  }
  set cumQuantity(value: number) {
    this.words[this.base + W.cumQuantity] = value | 0;
  }
  get leavesQuantity(): number {
    return this.words[this.base + W.leavesQuantity] >>> 0;
  }
  set leavesQuantity(value: number) {
    this.words[this.base + W.leavesQuantity] = value | 0;
  }
  /** Cancel or replace sent: the counter of the order it targets (bytes 52-59). */
  get origOrderCounter(): number {
    return readU64(this.words, this.base + W.cumQuantity);
  }
  set origOrderCounter(value: number) {
    writeU64(this.words, this.base + W.cumQuantity, value);
  }
  get reason(): number {
    return this.words[this.base + W.reasonFlags] & 0xffff;
  }
  get flags(): number {
    return this.words[this.base + W.reasonFlags] >>> 16;
  }
  /** Reason code and flags in one store. */
  setReasonFlags(reason: number, flags: number): void {
    this.words[this.base + W.reasonFlags] = (reason & 0xffff) | ((flags & 0xffff) << 16);
  }
}

const scratch = new JournalEntry();

export function readJournalFields(words: Int32Array, base: number): JournalEntryFields {
  const e = scratch.wrap(words, base);
  return {
    sequence: e.sequence,
    monotonicNs: e.monotonicNs,
    wallNs: e.wallNs,
    kind: e.kind,
    side: e.side,
    execType: e.execType,
    ordStatus: e.ordStatus,
    instrument: e.instrument,
    orderCounter: e.orderCounter,
    price: e.price,
    quantity: e.quantity,
    cumQuantity: e.cumQuantity,
    leavesQuantity: e.leavesQuantity,
    reason: e.reason,
    flags: e.flags,
  };
}

export function writeJournalFields(fields: JournalEntryFields, words: Int32Array, base: number): void {
  const e = scratch.wrap(words, base);
  e.sequence = fields.sequence;
  e.monotonicNs = fields.monotonicNs;
  e.wallNs = fields.wallNs;
  e.setCodes(fields.kind, fields.side, fields.execType, fields.ordStatus);
  e.instrument = fields.instrument;
  e.orderCounter = fields.orderCounter;
  e.price = fields.price;
  e.quantity = fields.quantity;
  e.cumQuantity = fields.cumQuantity;
  e.leavesQuantity = fields.leavesQuantity;
  e.setReasonFlags(fields.reason, fields.flags);
}
