// The exchange's FIX application layer, independent of the transport: a session (B's
// FixSession, or a test) hands it each validated application message as a FixMessageView;
// it turns NewOrderSingle (D), OrderCancelRequest (F), OrderCancelReplaceRequest (G) and
// OrderMassCancelRequest (q) into engine commands, and the engine's events into
// ExecutionReports (8), OrderCancelRejects (9) and OrderMassCancelReports (r), encoded with
// FixEncoder and handed to the session's send(). It keeps, per session, ClOrdID → order
// and, for the exchange, engine order id → order, so the events of a resting order reach
// its session whoever traded against it.
//
// FIX 4.2 and 4.4 differ here: 4.2 sends ExecTransType (20=0) and reports fills as ExecType
// 1/2 (partial/fill), 4.4 as F (trade); after a replace 4.2's OrdStatus is 5 (replaced),
// 4.4's the order's own state. Cancels and replaces are done at once (the engine is
// synchronous), so no pending (6/E) reports are sent.
import { Xoshiro128 } from '../generator/xoshiro128.ts';
import type { FixEncoder } from '../fix/fix-encoder.ts';
import { FixError } from '../fix/fix-error.ts';
import type { FixMessageView } from '../fix/fix-message-view.ts';
import { FixParser } from '../fix/fix-parser.ts';
import {
  ORDER_TYPE_LIMIT,
  ORDER_TYPE_MARKET,
  REJECT_BAD_QUANTITY,
  REJECT_REPLACE_BELOW_FILLED,
  REJECT_UNKNOWN_ORDER,
  SIDE_BUY,
  SIDE_SELL,
  TIF_DAY,
  TIF_FOK,
  TIF_GTC,
  TIF_IOC,
  cancelReasonName,
  rejectReasonName,
} from '../matching/matching-events.ts';
import type { ExchangeBook, OrderEventListener } from './exchange-book.ts';
import type { Exchange } from './exchange.ts';
import { ExecutionReportWriter, type OrderReport } from './execution-report-writer.ts';

/** What the order entry needs of a FIX session (FixSession satisfies it). */
export interface OrderEntrySession {
  /** FIX.4.2 or FIX.4.4 (FIXT.1.1 sessions: the application version's 4.4 rules apply). */
  readonly beginString: string;
  /** Sends one application message: the session writes its header, then `body` the fields after it. */
  send(msgType: string, body: (encoder: FixEncoder) => void): unknown;
}

/** One line of the drop copy: every order event of a client order. */
export interface AuditEntry {
  event: 'new' | 'rejected' | 'fill' | 'canceled' | 'replaced' | 'expired' | 'cancel-rejected';
  session: number;
  clOrdId: string;
  orderId: number;
  symbol: string;
  side: number;
  price?: number;
  quantity?: number;
  cum?: number;
  leaves?: number;
  text?: string;
}

export interface FixOrderEntryOptions {
  /** Delay every report by this many µs (latency injection); 0 = send at once. */
  ackDelayUs?: number;
  /** Fraction of NewOrderSingles rejected on purpose (OrdRejReason 99, Text "injected reject"). */
  rejectRatio?: number;
  /** Seed of the reject injection. */
  seed?: number;
  /** Milliseconds since the epoch, for TransactTime. */
  nowMs?: () => number;
  /** Runs fn after `us` µs (default setTimeout); injectable for tests. */
  delay?: (fn: () => void, us: number) => void;
  audit?: (entry: AuditEntry) => void;
}

/** Counts for metrics. */
export interface OrderEntryCounts {
  orders: number;
  fills: number;
  rejects: number;
  cancelRejects: number;
}

/** FIX values. */
const EXEC_NEW = '0';
const EXEC_PARTIAL_42 = '1';
const EXEC_FILL_42 = '2';
const EXEC_CANCELED = '4';
const EXEC_REPLACED = '5';
const EXEC_EXPIRED = 'C';
const EXEC_TRADE_44 = 'F';
const EXEC_ORDER_STATUS_44 = 'I';
const STATUS_NEW = '0';
const STATUS_PARTIAL = '1';
const STATUS_FILLED = '2';
const STATUS_CANCELED = '4';
const STATUS_REPLACED_42 = '5';
const STATUS_REJECTED = '8';
const STATUS_EXPIRED = 'C';
/** OrdRejReason (103). */
const ORD_REJ_UNKNOWN_SYMBOL = 1;
const ORD_REJ_UNKNOWN_ORDER = 5;
const ORD_REJ_DUPLICATE = 6;
const ORD_REJ_INCORRECT_QUANTITY = 13;
const ORD_REJ_OTHER = 99;
/** CxlRejReason (102) and CxlRejResponseTo (434). */
export const CXL_REJ_TOO_LATE = 0;
export const CXL_REJ_UNKNOWN_ORDER = 1;
export const CXL_REJ_DUPLICATE_CLORDID = 6;
export const CXL_REJ_OTHER = 99;
const RESPONSE_TO_CANCEL = '1';
const RESPONSE_TO_REPLACE = '2';
/** MassCancelRequestType (530), MassCancelResponse (531), MassCancelRejectReason (532). */
const MASS_BY_SECURITY = '1';
const MASS_ALL = '7';
const MASS_REJECTED = '0';
const MASS_REJ_NOT_SUPPORTED = 0;
const MASS_REJ_UNKNOWN_SECURITY = 1;
const MASS_REJ_BAD_TYPE = 99;

const TIF_BY_FIX: Record<string, number> = { '0': TIF_DAY, '1': TIF_GTC, '3': TIF_IOC, '4': TIF_FOK };

/** A client order, from NewOrderSingle to its end; the same object across replaces. */
interface ClientOrder extends OrderReport {
  readonly client: ClientSession;
  clOrdId: string;
  origClOrdId: string | undefined;
  orderQty: number;
  price: number;
  leaves: number;
  cum: number;
  notional: number;
  lastPx: number;
  lastQty: number;
  done: boolean;
  /** OrdStatus once done: filled, canceled or expired. */
  endStatus: string;
}

interface DelayedReport {
  readonly msgType: string;
  readonly fields: [number, string][];
}

interface ClientSession {
  readonly session: OrderEntrySession;
  readonly ownerId: number;
  readonly writer: ExecutionReportWriter;
  /** ClOrdID (each one the order has had) → order. */
  readonly orders: Map<string, ClientOrder>;
  /** Reports waiting for the ack delay: MsgType and body fields, taken when the event happened. */
  readonly pending: DelayedReport[];
}

export class FixOrderEntry implements OrderEventListener {
  readonly counts: OrderEntryCounts = { orders: 0, fills: 0, rejects: 0, cancelRejects: 0 };
  private readonly exchange: Exchange;
  private readonly sessions = new Map<OrderEntrySession, ClientSession>();
  private readonly byOrderId = new Map<number, ClientOrder>();
  private readonly writers = new Map<string, ExecutionReportWriter>();
  private readonly parser = new FixParser();
  private readonly ackDelayUs: number;
  private readonly rejectRatio: number;
  private readonly random: Xoshiro128;
  private readonly nowMs: () => number;
  private readonly delay: (fn: () => void, us: number) => void;
  private readonly audit: ((entry: AuditEntry) => void) | undefined;
  private execIds = 0;

  constructor(exchange: Exchange, options: FixOrderEntryOptions = {}) {
    this.exchange = exchange;
    this.ackDelayUs = options.ackDelayUs ?? 0;
    this.rejectRatio = options.rejectRatio ?? 0;
    if (!(this.ackDelayUs >= 0) || !(this.rejectRatio >= 0 && this.rejectRatio <= 1)) {
      throw new Error(`ackDelayUs must be ≥ 0 and rejectRatio within [0, 1], got ${this.ackDelayUs} and ${this.rejectRatio}`);
    }
    this.random = new Xoshiro128(options.seed ?? 1);
    this.nowMs = options.nowMs ?? Date.now;
    this.delay = options.delay ?? ((fn, us) => setTimeout(fn, us / 1000));
    this.audit = options.audit;
    for (const book of exchange.books) book.listen(this);
  }

  /** A session logged on: it gets an owner id (self-trade prevention, mass cancel). */
  open(session: OrderEntrySession): number {
    const ownerId = this.exchange.nextOwnerId();
    this.sessions.set(session, { session, ownerId, writer: this.writer(session.beginString), orders: new Map(), pending: [] });
    return ownerId;
  }

  /** The session is gone: its orders stay in the book; their reports are no longer sent. */
  close(session: OrderEntrySession): void {
    this.sessions.delete(session);
  }

  /**
   * One validated application message of `session`. Returns false for a MsgType this layer
   * does not handle (the session answers it with a BusinessMessageReject).
   */
  onMessage(session: OrderEntrySession, view: FixMessageView): boolean {
    const client = this.sessions.get(session);
    if (client === undefined) throw new Error('onMessage for a session that was not opened');
    const msgType = view.getString(35);
    try {
      switch (msgType) {
        case 'D':
          this.newOrder(client, view);
          return true;
        case 'F':
          this.cancelOrder(client, view);
          return true;
        case 'G':
          this.replaceOrder(client, view);
          return true;
        case 'q':
          if (session.beginString === 'FIX.4.2') return false;
          this.massCancel(client, view);
          return true;
        case 'H':
          this.orderStatus(client, view);
          return true;
        default:
          return false;
      }
    } catch (error) {
      // A field the order needs is missing or malformed (a dictionary that allows it, or none): refused, nothing changed.
      if (!(error instanceof FixError)) throw error;
      this.refuse(client, msgType, view, error.detail);
      return true;
    }
  }

  /** Answers a message that could not be read as an order (reason 99, the problem as Text). */
  private refuse(client: ClientSession, msgType: string, view: FixMessageView, problem: string): void {
    const text = (tag: number): string => (view.has(tag) ? view.getString(tag) : 'NONE');
    if (msgType === 'D') return this.rejectNew(client, view, text(11), text(55), ORD_REJ_OTHER, problem);
    if (msgType === 'H') return this.unknownStatus(client, text(11), text(55), text(54), ORD_REJ_OTHER, problem);
    if (msgType === 'q') {
      this.send(client, 'r', (w, e) => w.massCancelReport(e, ++this.execIds, text(11), text(530), MASS_REJECTED, 0, MASS_REJ_BAD_TYPE));
      return;
    }
    this.rejectCancel(client, undefined, text(11), text(41), msgType === 'G' ? RESPONSE_TO_REPLACE : RESPONSE_TO_CANCEL, CXL_REJ_OTHER, problem);
  }

  private writer(beginString: string): ExecutionReportWriter {
    let writer = this.writers.get(beginString);
    if (writer === undefined) {
      writer = new ExecutionReportWriter(beginString);
      this.writers.set(beginString, writer);
    }
    return writer;
  }

  private newOrder(client: ClientSession, view: FixMessageView): void {
    this.counts.orders++;
    const clOrdId = view.getString(11);
    const symbol = view.getString(55);
    const sideCode = view.getChar(54);
    const side = sideCode === '1' ? SIDE_BUY : sideCode === '2' ? SIDE_SELL : 0;
    const ordTypeCode = view.getChar(40);
    const ordType = ordTypeCode === '1' ? ORDER_TYPE_MARKET : ordTypeCode === '2' ? ORDER_TYPE_LIMIT : 0;
    const timeInForce = view.has(59) ? (TIF_BY_FIX[view.getString(59)] ?? -1) : TIF_DAY;
    const book = this.exchange.book(symbol);
    const quantity = view.getPrice(38);
    const rejected = (reason: number, text: string): void => this.rejectNew(client, view, clOrdId, symbol, reason, text);
    if (book === undefined) return rejected(ORD_REJ_UNKNOWN_SYMBOL, `unknown symbol ${symbol}`);
    if (client.orders.get(clOrdId)?.done === false) return rejected(ORD_REJ_DUPLICATE, `ClOrdID ${clOrdId} is a live order`);
    if (side === 0) return rejected(ORD_REJ_OTHER, `side ${sideCode} is not supported (1 buy, 2 sell)`);
    if (ordType === 0) return rejected(ORD_REJ_OTHER, `OrdType ${ordTypeCode} is not supported (1 market, 2 limit)`);
    if (timeInForce < 0) return rejected(ORD_REJ_OTHER, `TimeInForce ${view.getString(59)} is not supported (0, 1, 3, 4)`);
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return rejected(ORD_REJ_INCORRECT_QUANTITY, `OrderQty ${quantity} is not a positive whole number`);
    let price = 0;
    if (ordType === ORDER_TYPE_LIMIT) {
      if (!view.has(44)) return rejected(ORD_REJ_OTHER, 'a limit order needs Price (44)');
      price = this.ticks(book, view);
      if (!Number.isSafeInteger(price)) return rejected(ORD_REJ_OTHER, `price ${view.getString(44)} is not a multiple of the tick size`);
    }
    if (this.rejectRatio > 0 && this.random.nextUint32() / 4_294_967_296 < this.rejectRatio) return rejected(ORD_REJ_OTHER, 'injected reject');
    const order: ClientOrder = {
      client,
      orderId: this.exchange.nextOrderId(),
      book,
      side,
      ordType,
      timeInForce,
      clOrdId,
      origClOrdId: undefined,
      price,
      orderQty: quantity,
      leaves: 0,
      cum: 0,
      notional: 0,
      lastPx: 0,
      lastQty: 0,
      done: false,
      endStatus: '',
    };
    client.orders.set(clOrdId, order);
    this.byOrderId.set(order.orderId, order);
    const reason = book.submit(order.orderId, client.ownerId, side, ordType, timeInForce, price, quantity);
    if (reason !== 0) {
      this.forget(order);
      rejected(reason === REJECT_BAD_QUANTITY ? ORD_REJ_INCORRECT_QUANTITY : ORD_REJ_OTHER, rejectReasonName(reason));
    }
  }

  /** The price (44) in ticks; NaN if it is not a whole number of ticks. */
  private ticks(book: ExchangeBook, view: FixMessageView): number {
    const { tickUnits, tickDecimals } = book.instrument;
    let units: number;
    try {
      units = view.getScaledPrice(44, tickDecimals);
    } catch {
      return Number.NaN;
    }
    const ticks = units / (tickUnits / 10 ** (8 - tickDecimals));
    return Number.isSafeInteger(ticks) ? ticks : Number.NaN;
  }

  private rejectNew(client: ClientSession, view: FixMessageView, clOrdId: string, symbol: string, reason: number, text: string): void {
    this.counts.rejects++;
    const sideCode = view.has(54) ? view.getString(54) : '1';
    let orderQty = 0;
    try {
      orderQty = view.has(38) ? view.getPrice(38) : 0;
    } catch {
      // A malformed OrderQty is what is being rejected; the report goes without it.
    }
    this.send(client, '8', (w, e) => w.rejectedNew(e, ++this.execIds, this.nowMs(), clOrdId, symbol, sideCode, orderQty, reason, text));
    this.audit?.({ event: 'rejected', session: client.ownerId, clOrdId, orderId: 0, symbol, side: Number(sideCode), quantity: orderQty, text });
  }

  private cancelOrder(client: ClientSession, view: FixMessageView): void {
    const clOrdId = view.getString(11);
    const origClOrdId = view.getString(41);
    const order = client.orders.get(origClOrdId);
    const reject = this.cancelRejectReason(client, order, clOrdId);
    if (reject !== undefined) return this.rejectCancel(client, order, clOrdId, origClOrdId, RESPONSE_TO_CANCEL, reject.reason, reject.text);
    this.rename(order!, clOrdId, origClOrdId);
    order!.book.cancel(order!.orderId);
  }

  private replaceOrder(client: ClientSession, view: FixMessageView): void {
    const clOrdId = view.getString(11);
    const origClOrdId = view.getString(41);
    const order = client.orders.get(origClOrdId);
    const rejected = (reason: number, text: string): void => this.rejectCancel(client, order, clOrdId, origClOrdId, RESPONSE_TO_REPLACE, reason, text);
    const reject = this.cancelRejectReason(client, order, clOrdId);
    if (reject !== undefined) return rejected(reject.reason, reject.text);
    const live = order!;
    if (view.getString(55) !== live.book.instrument.symbol || view.getString(54) !== String(live.side)) return rejected(CXL_REJ_OTHER, 'Symbol and Side cannot change');
    const quantity = view.getPrice(38);
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return rejected(CXL_REJ_OTHER, `OrderQty ${quantity} is not a positive whole number`);
    const price = live.ordType === ORDER_TYPE_LIMIT ? (view.has(44) ? this.ticks(live.book, view) : live.price) : live.price;
    if (!Number.isSafeInteger(price)) return rejected(CXL_REJ_OTHER, `price ${view.getString(44)} is not a multiple of the tick size`);
    const previous = { clOrdId: live.clOrdId, orig: live.origClOrdId, qty: live.orderQty, price: live.price };
    this.rename(live, clOrdId, origClOrdId);
    live.orderQty = quantity;
    live.price = price;
    const reason = live.book.replace(live.orderId, live.orderId, price, quantity);
    if (reason !== 0) {
      // Nothing changed in the engine: the order keeps its old names and terms.
      client.orders.delete(clOrdId);
      client.orders.set(previous.clOrdId, live);
      Object.assign(live, { clOrdId: previous.clOrdId, origClOrdId: previous.orig, orderQty: previous.qty, price: previous.price });
      rejected(reason === REJECT_REPLACE_BELOW_FILLED ? CXL_REJ_OTHER : reason === REJECT_UNKNOWN_ORDER ? CXL_REJ_TOO_LATE : CXL_REJ_OTHER, rejectReasonName(reason));
    }
  }

  /** OrderStatusRequest: the order as it stands, found by any ClOrdID it has had (4.4 ExecType I; 4.2 ExecTransType 3). */
  private orderStatus(client: ClientSession, view: FixMessageView): void {
    const clOrdId = view.getString(11);
    const order = client.orders.get(clOrdId);
    if (order === undefined) return this.unknownStatus(client, clOrdId, view.getString(55), view.getString(54), ORD_REJ_UNKNOWN_ORDER, 'unknown order');
    const ordStatus = order.done ? order.endStatus : order.cum > 0 ? STATUS_PARTIAL : STATUS_NEW;
    const execType = client.session.beginString === 'FIX.4.2' ? ordStatus : EXEC_ORDER_STATUS_44;
    this.send(client, '8', (w, e) => w.executionReport(e, ++this.execIds, this.nowMs(), order, execType, ordStatus, undefined, true));
  }

  private unknownStatus(client: ClientSession, clOrdId: string, symbol: string, side: string, reason: number, text: string): void {
    this.send(client, '8', (w, e) => w.rejectedNew(e, ++this.execIds, this.nowMs(), clOrdId, symbol, side, Number.NaN, reason, text, true));
  }

  /** Why a cancel or replace of `order` cannot go ahead, or undefined. */
  private cancelRejectReason(client: ClientSession, order: ClientOrder | undefined, clOrdId: string): { reason: number; text: string } | undefined {
    if (order === undefined) return { reason: CXL_REJ_UNKNOWN_ORDER, text: 'unknown order' };
    if (order.done) return { reason: CXL_REJ_TOO_LATE, text: 'the order is already done' };
    if (client.orders.get(clOrdId) !== undefined) return { reason: CXL_REJ_DUPLICATE_CLORDID, text: `ClOrdID ${clOrdId} is already used` };
    return undefined;
  }

  private rename(order: ClientOrder, clOrdId: string, origClOrdId: string): void {
    order.client.orders.set(clOrdId, order);
    order.clOrdId = clOrdId;
    order.origClOrdId = origClOrdId;
  }

  private rejectCancel(
    client: ClientSession,
    order: ClientOrder | undefined,
    clOrdId: string,
    origClOrdId: string,
    responseTo: string,
    reason: number,
    text: string,
  ): void {
    this.counts.cancelRejects++;
    const status = order === undefined ? STATUS_REJECTED : order.done ? this.terminalStatus(order) : order.cum > 0 ? STATUS_PARTIAL : STATUS_NEW;
    this.send(client, '9', (w, e) => w.cancelReject(e, order?.orderId, clOrdId, origClOrdId, status, responseTo, reason, text));
    this.audit?.({ event: 'cancel-rejected', session: client.ownerId, clOrdId, orderId: order?.orderId ?? 0, symbol: order?.book.instrument.symbol ?? '', side: order?.side ?? 0, text });
  }

  private terminalStatus(order: ClientOrder): string {
    if (order.leaves === 0 && order.cum === order.orderQty) return STATUS_FILLED;
    return order.timeInForce === TIF_IOC || order.timeInForce === TIF_FOK || order.ordType === ORDER_TYPE_MARKET ? STATUS_EXPIRED : STATUS_CANCELED;
  }

  private massCancel(client: ClientSession, view: FixMessageView): void {
    const clOrdId = view.getString(11);
    const type = view.getString(530);
    let books: readonly ExchangeBook[];
    let rejectReason = -1;
    if (type === MASS_ALL) books = this.exchange.books;
    else if (type === MASS_BY_SECURITY) {
      const book = view.has(55) ? this.exchange.book(view.getString(55)) : undefined;
      books = book === undefined ? [] : [book];
      if (book === undefined) rejectReason = MASS_REJ_UNKNOWN_SECURITY;
    } else {
      books = [];
      rejectReason = type === '' ? MASS_REJ_NOT_SUPPORTED : MASS_REJ_BAD_TYPE;
    }
    let affected = 0;
    for (const book of books) affected += book.massCancel(client.ownerId);
    const response = rejectReason >= 0 ? MASS_REJECTED : type;
    const massId = ++this.execIds;
    this.send(client, 'r', (w, e) => w.massCancelReport(e, massId, clOrdId, type, response, affected, rejectReason));
  }

  // Order events (ExchangeBook). Orders of other participants (liquidity) are not in byOrderId: ignored.

  onAccepted(orderId: number, quantity: number): void {
    const order = this.byOrderId.get(orderId);
    if (order === undefined) return;
    order.leaves = quantity;
    this.report(order, EXEC_NEW, STATUS_NEW);
    this.audit?.({ ...this.auditOf(order, 'new'), price: order.price, quantity });
  }

  onFill(orderId: number, price: number, quantity: number, leaves: number, cum: number, notional: number): void {
    const order = this.byOrderId.get(orderId);
    if (order === undefined) return;
    this.counts.fills++;
    order.leaves = leaves;
    order.cum = cum;
    order.notional = notional;
    order.lastPx = price;
    order.lastQty = quantity;
    const filled = leaves === 0 && cum === order.orderQty;
    if (filled) this.finish(order, STATUS_FILLED);
    const v42 = order.client.session.beginString === 'FIX.4.2';
    this.report(order, v42 ? (filled ? EXEC_FILL_42 : EXEC_PARTIAL_42) : EXEC_TRADE_44, filled ? STATUS_FILLED : STATUS_PARTIAL);
    order.lastQty = 0;
    this.audit?.({ ...this.auditOf(order, 'fill'), price, quantity, cum, leaves });
  }

  onCanceled(orderId: number, cum: number, notional: number, reason: number): void {
    const order = this.byOrderId.get(orderId);
    if (order === undefined) return;
    this.end(order, cum, notional, STATUS_CANCELED);
    this.report(order, EXEC_CANCELED, STATUS_CANCELED, reason === 1 ? undefined : cancelReasonName(reason));
    this.audit?.({ ...this.auditOf(order, 'canceled'), cum, text: cancelReasonName(reason) });
  }

  onReplaced(orderId: number, price: number, leaves: number, cum: number, notional: number): void {
    const order = this.byOrderId.get(orderId);
    if (order === undefined) return;
    order.price = price;
    order.leaves = leaves;
    order.cum = cum;
    order.notional = notional;
    const v42 = order.client.session.beginString === 'FIX.4.2';
    this.report(order, EXEC_REPLACED, v42 ? STATUS_REPLACED_42 : cum > 0 ? STATUS_PARTIAL : STATUS_NEW);
    this.audit?.({ ...this.auditOf(order, 'replaced'), price, quantity: order.orderQty, cum, leaves });
  }

  onExpired(orderId: number, cum: number, notional: number): void {
    const order = this.byOrderId.get(orderId);
    if (order === undefined) return;
    this.end(order, cum, notional, STATUS_EXPIRED);
    this.report(order, EXEC_EXPIRED, STATUS_EXPIRED);
    this.audit?.({ ...this.auditOf(order, 'expired'), cum });
  }


  private end(order: ClientOrder, cum: number, notional: number, status: string): void {
    order.cum = cum;
    order.notional = notional;
    order.leaves = 0;
    this.finish(order, status);
  }

  /** The order can change no more: its engine id is forgotten; its ClOrdIDs answer "too late" (and its status). */
  private finish(order: ClientOrder, status: string): void {
    order.done = true;
    order.endStatus = status;
    this.byOrderId.delete(order.orderId);
  }

  private forget(order: ClientOrder): void {
    order.client.orders.delete(order.clOrdId);
    this.byOrderId.delete(order.orderId);
  }

  private report(order: ClientOrder, execType: string, ordStatus: string, text?: string): void {
    const client = order.client;
    if (this.sessions.get(client.session) !== client) return;
    this.send(client, '8', (w, e) => w.executionReport(e, ++this.execIds, this.nowMs(), order, execType, ordStatus, text));
  }

  private auditOf(order: ClientOrder, event: AuditEntry['event']): AuditEntry {
    return { event, session: order.client.ownerId, clOrdId: order.clOrdId, orderId: order.orderId, symbol: order.book.instrument.symbol, side: order.side };
  }

  /** Writes a message's body with the session's writer into the session's send now, or after the ack delay (in order). */
  private send(client: ClientSession, msgType: string, body: (writer: ExecutionReportWriter, encoder: FixEncoder) => void): void {
    const writer = client.writer;
    if (this.ackDelayUs === 0) {
      client.session.send(msgType, (encoder) => body(writer, encoder));
      return;
    }
    // The report says what is true now: its fields are taken now and sent as they are later.
    const encoder = writer.encoder.begin(msgType);
    body(writer, encoder);
    encoder.finish();
    const view = this.parser.parse(encoder.buffer, encoder.start, encoder.end);
    const fields: [number, string][] = [];
    for (let i = 3; i < view.count - 1; i++) fields.push([view.tags[i], view.stringAt(i)]);
    client.pending.push({ msgType, fields });
    this.delay(() => {
      const report = client.pending.shift();
      if (report === undefined || this.sessions.get(client.session) !== client) return;
      client.session.send(report.msgType, (e) => {
        for (const [tag, value] of report.fields) e.string(tag, value);
      });
    }, this.ackDelayUs);
  }

}

