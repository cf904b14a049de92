// Applies the exchange's ExecutionReports (35=8) and OrderCancelRejects (35=9) to the orders
// and positions, straight from a FixMessageView (no string, no object per report), exactly once:
// - an ExecID already seen (bounded window) is a DUPLICATE, whatever PossDupFlag says;
// - a fill whose CumQty the order already has is STALE (a resend older than the window, or a
//   report overtaken by a later one), so a fill never counts twice;
// - a PossDupFlag (43=Y) or PossResend (97=Y) report whose event the order is already past is
//   STALE, not an illegal transition;
// - out of order as FIX allows: a fill before the New ack (the ack then changes nothing), a
//   cancel reject after the fill that made the cancel too late, a report naming a replaced
//   ClOrdID (the chain is found by it, or by OrderID);
// - a report for an order we do not know is UNKNOWN_ORDER, counted; the caller logs it.
// Fills are ExecType 1/2 (FIX 4.2) or F (4.4), LastPx (31) converted to ticks of the order's
// instrument. Trade busts and corrections (ExecTransType 1/2 in 4.2, ExecType H/G in 4.4) are
// UNSUPPORTED and counted: the exchange simulator sends none.
import type { FixMessageView } from '../fix/fix-message-view.ts';
import { ExecIdWindow } from './exec-id-window.ts';
import { fixValueKey } from './fix-value-key.ts';
import { ILLEGAL_TRANSITION, ORDER_EVENT as E, ORDER_STATE as S } from './order-state.ts';
import type { OrderManager } from './order-manager.ts';

export const APPLY_RESULT = {
  APPLIED: 0,
  DUPLICATE: 1,
  STALE: 2,
  UNKNOWN_ORDER: 3,
  ILLEGAL_TRANSITION: 4,
  /** A report that changes nothing: pending acks (6/E), order status (I), restatement (D), done for day (3). */
  IGNORED: 5,
  MALFORMED: 6,
  OVERFILL: 7,
  UNSUPPORTED: 8,
  /** Not an ExecutionReport or OrderCancelReject. */
  NOT_A_REPORT: 9,
} as const;
export const APPLY_RESULT_NAMES = ['applied', 'duplicate', 'stale', 'unknown_order', 'illegal_transition', 'ignored', 'malformed', 'overfill', 'unsupported', 'not_a_report'] as const;

/** What the applier needs of an instrument to read prices: InstrumentSpec satisfies it. */
export interface TickSpec {
  /** Fixed-point units (10^-8) of one tick. */
  readonly tickUnits: number;
  /** Decimal places of the tick size. */
  readonly tickDecimals: number;
}

const Y = 0x59;
const CHAR_0 = 0x30;

export class ExecutionReportApplier {
  readonly counts = new Uint32Array(APPLY_RESULT_NAMES.length);
  /** The order index the last apply concerned (-1 when none): for the caller's log and journal. */
  lastOrder = -1;
  private readonly execIds: ExecIdWindow;
  private readonly decimals: Int32Array;
  private readonly unitsPerTick: Float64Array;

  private readonly orders: OrderManager;

  constructor(orders: OrderManager, instruments: readonly TickSpec[], execIdWindow = 65_536) {
    this.orders = orders;
    this.execIds = new ExecIdWindow(execIdWindow);
    this.decimals = new Int32Array(instruments.length);
    this.unitsPerTick = new Float64Array(instruments.length);
    instruments.forEach((spec, i) => {
      this.decimals[i] = spec.tickDecimals;
      this.unitsPerTick[i] = spec.tickUnits / 10 ** (8 - spec.tickDecimals);
    });
  }

  /** Applies one report; returns an APPLY_RESULT code (also counted in `counts`). */
  apply(view: FixMessageView): number {
    const result = this.applyReport(view);
    this.counts[result]++;
    return result;
  }

  private applyReport(view: FixMessageView): number {
    this.lastOrder = -1;
    const msgType = singleByte(view, view.indexOf(35));
    if (msgType === 0x39) return this.applyCancelReject(view);
    if (msgType !== 0x38) return APPLY_RESULT.NOT_A_REPORT;
    const execIdAt = view.indexOf(17);
    const execTypeAt = view.indexOf(150);
    if (execIdAt < 0 || execTypeAt < 0) return APPLY_RESULT.MALFORMED;
    const execIdKey = fixValueKey(view.buffer, view.valueStarts[execIdAt], view.valueEnds[execIdAt]);
    if (this.execIds.has(execIdKey)) return APPLY_RESULT.DUPLICATE;
    const index = this.findOrder(view);
    if (index < 0) return APPLY_RESULT.UNKNOWN_ORDER;
    this.lastOrder = index;
    const result = this.applyExecution(view, index, singleByte(view, execTypeAt), isResend(view));
    // A malformed report is not remembered: a corrected resend of it may still apply.
    if (result !== APPLY_RESULT.MALFORMED) this.execIds.add(execIdKey);
    return result;
  }

  private applyExecution(view: FixMessageView, index: number, execType: number, resend: boolean): number {
    const orders = this.orders;
    const transType = view.indexOf(20);
    if (transType >= 0 && singleByte(view, transType) !== CHAR_0) return APPLY_RESULT.UNSUPPORTED;
    switch (execType) {
      case 0x30: // 0 New
        if (resend && this.isPast(index, E.ACK_NEW)) return APPLY_RESULT.STALE;
        return this.result(orders.acknowledge(index, this.orderIdKey(view)));
      case 0x31: // 1 Partial fill (4.2)
      case 0x32: // 2 Fill (4.2)
      case 0x46: // F Trade (4.4)
        return this.applyFill(view, index);
      case 0x34: // 4 Canceled
        return this.applyEvent(index, E.CANCELED, resend);
      case 0x35: // 5 Replaced: it must name the replace pending now (an older one's resend is stale)
        if (!this.answersPending(view, index)) return resend ? APPLY_RESULT.STALE : APPLY_RESULT.ILLEGAL_TRANSITION;
        return this.applyEvent(index, E.REPLACED, resend);
      case 0x38: // 8 Rejected
        return this.applyEvent(index, E.REJECT, resend);
      case 0x43: // C Expired
        return this.applyEvent(index, E.EXPIRE, resend);
      case 0x36: // 6 Pending cancel
      case 0x45: // E Pending replace
      case 0x49: // I Order status
      case 0x44: // D Restated
      case 0x33: // 3 Done for day
        return APPLY_RESULT.IGNORED;
      case 0x47: // G Trade correct
      case 0x48: // H Trade cancel
        return APPLY_RESULT.UNSUPPORTED;
      default:
        return APPLY_RESULT.MALFORMED;
    }
  }

  private applyFill(view: FixMessageView, index: number): number {
    const lastQtyAt = view.indexOf(32);
    const cumAt = view.indexOf(14);
    if (lastQtyAt < 0 || cumAt < 0 || !view.has(31)) return APPLY_RESULT.MALFORMED;
    const pool = this.orders.pool;
    let lastQty: number;
    let cum: number;
    let price: number;
    const instrument = pool.instrument[index];
    try {
      lastQty = view.intAt(lastQtyAt);
      cum = view.intAt(cumAt);
      price = view.getScaledPrice(31, this.decimals[instrument]) / this.unitsPerTick[instrument];
    } catch {
      return APPLY_RESULT.MALFORMED;
    }
    if (!Number.isSafeInteger(price) || lastQty <= 0) return APPLY_RESULT.MALFORMED;
    // The order already has this fill (or a later one): applying it again would double it.
    if (cum <= pool.cum[index]) return APPLY_RESULT.STALE;
    if (pool.orderId[index] < 0) this.orders.setOrderId(index, this.orderIdKey(view));
    return this.result(this.orders.fill(index, price, lastQty));
  }

  private applyEvent(index: number, event: number, resend: boolean): number {
    // A resent report of what the order is already past changes nothing and is no error.
    if (resend && this.isPast(index, event)) return APPLY_RESULT.STALE;
    return this.result(this.orders.event(index, event));
  }

  /** Whether `event` would be illegal for the order now (checked without counting). */
  private isPast(index: number, event: number): boolean {
    const pool = this.orders.pool;
    return this.orders.machine.peek(pool.state[index], pool.prior[index], event) === ILLEGAL_TRANSITION;
  }

  private applyCancelReject(view: FixMessageView): number {
    const index = this.findOrder(view);
    if (index < 0) return APPLY_RESULT.UNKNOWN_ORDER;
    this.lastOrder = index;
    // It has no ExecID: it must answer the request pending now, named by its ClOrdID.
    if (!this.answersPending(view, index)) return isResend(view) ? APPLY_RESULT.STALE : APPLY_RESULT.ILLEGAL_TRANSITION;
    return this.result(this.orders.event(index, E.CANCEL_REJECT));
  }

  /** Whether the report's ClOrdID (11) is the order's pending cancel or replace request. */
  private answersPending(view: FixMessageView, index: number): boolean {
    const pool = this.orders.pool;
    if (!isPending(pool.state[index])) return false;
    const at = view.indexOf(11);
    return at >= 0 && this.orders.clOrdIds.parse(view.buffer, view.valueStarts[at], view.valueEnds[at]) === pool.pendingClOrdId[index];
  }

  private result(code: number): number {
    if (code >= 0) return APPLY_RESULT.APPLIED;
    return code === ILLEGAL_TRANSITION ? APPLY_RESULT.ILLEGAL_TRANSITION : APPLY_RESULT.OVERFILL;
  }

  /** The order by ClOrdID (11), else OrigClOrdID (41), else OrderID (37); -1 when unknown. */
  private findOrder(view: FixMessageView): number {
    const orders = this.orders;
    for (let t = 0; t < CLORDID_TAGS.length; t++) {
      const at = view.indexOf(CLORDID_TAGS[t]);
      if (at < 0) continue;
      const counter = orders.clOrdIds.parse(view.buffer, view.valueStarts[at], view.valueEnds[at]);
      const index = counter < 0 ? -1 : orders.byClOrdId(counter);
      if (index >= 0) return index;
    }
    const key = this.orderIdKey(view);
    return key < 0 ? -1 : orders.byOrderId(key);
  }

  private orderIdKey(view: FixMessageView): number {
    const at = view.indexOf(37);
    if (at < 0) return -1;
    const start = view.valueStarts[at];
    const end = view.valueEnds[at];
    // "NONE": the exchange gave the order no id (a reject).
    if (end - start === 4 && view.buffer[start] === 0x4e && view.buffer[start + 1] === 0x4f && view.buffer[start + 2] === 0x4e && view.buffer[start + 3] === 0x45) return -1;
    return fixValueKey(view.buffer, start, end);
  }
}

const CLORDID_TAGS = [11, 41];

function isPending(state: number): boolean {
  return state === S.PENDING_CANCEL || state === S.PENDING_REPLACE;
}

/** PossDupFlag (43) or PossResend (97) is Y. */
function isResend(view: FixMessageView): boolean {
  return singleByte(view, view.indexOf(43)) === Y || singleByte(view, view.indexOf(97)) === Y;
}

/** The byte of a one-character field at `index`, or -1. */
function singleByte(view: FixMessageView, index: number): number {
  if (index < 0 || view.valueEnds[index] - view.valueStarts[index] !== 1) return -1;
  return view.buffer[view.valueStarts[index]];
}
