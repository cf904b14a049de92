// Writes the bodies of the order entry's outgoing messages — ExecutionReport (8),
// OrderCancelReject (9), OrderMassCancelReport (r) — for one BeginString, into the encoder a
// FIX session hands over after its standard header (FixSession.send). Prices
// leave the engine in ticks and are written as decimals of the tick's places; AvgPx is the
// exact notional / CumQty rounded to 8 places (trailing zeros dropped, never fewer places
// than the tick has), so AvgPx × CumQty = Σ LastPx × LastQty within half a unit of the 8th.
import { FixEncoder } from '../fix/fix-encoder.ts';
import type { ExchangeBook } from './exchange-book.ts';

/** What an ExecutionReport says about an order. */
export interface OrderReport {
  readonly orderId: number;
  readonly book: ExchangeBook;
  readonly side: number;
  readonly ordType: number;
  readonly timeInForce: number;
  readonly clOrdId: string;
  readonly origClOrdId: string | undefined;
  readonly price: number;
  readonly orderQty: number;
  readonly leaves: number;
  readonly cum: number;
  readonly notional: number;
  readonly lastPx: number;
  readonly lastQty: number;
}

const AVG_DECIMALS = 8;
/** FIX TimeInForce (59) by engine code (the engine's codes are FIX's). */
const TIF_CHARS = ['0', '1', '2', '3', '4'];
/** The largest OrdRejReason and CxlRejReason FIX 4.2 defines. */
const MAX_ORD_REJ_REASON_42 = 8;
const MAX_CXL_REJ_REASON_42 = 3;

export class ExecutionReportWriter {
  /** Where a delayed report is written at once (its fields are sent later, see FixOrderEntry). */
  readonly encoder: FixEncoder;
  private readonly v42: boolean;

  constructor(beginString: string) {
    this.encoder = new FixEncoder({ beginString });
    this.v42 = beginString === 'FIX.4.2';
  }

  /** `status`: an answer to an OrderStatusRequest (FIX 4.2: ExecTransType 3, Status) rather than an event. */
  executionReport(e: FixEncoder, execId: number, nowMs: number, order: OrderReport, execType: string, ordStatus: string, text: string | undefined, status = false): void {
    const { tickUnits, tickDecimals, symbol } = order.book.instrument;
    e.string(37, String(order.orderId)).string(11, order.clOrdId);
    if (order.origClOrdId !== undefined) e.string(41, order.origClOrdId);
    e.string(17, String(execId));
    if (this.v42) e.char(20, status ? '3' : '0');
    e.string(150, execType).char(39, ordStatus).string(55, symbol).char(54, String(order.side)).int(38, order.orderQty).char(40, String(order.ordType));
    if (order.ordType === 2) e.scaledPrice(44, tickPrice(order.price, tickUnits, tickDecimals), tickDecimals);
    e.char(59, TIF_CHARS[order.timeInForce] ?? '0');
    if (order.lastQty > 0) e.int(32, order.lastQty).scaledPrice(31, tickPrice(order.lastPx, tickUnits, tickDecimals), tickDecimals);
    else if (this.v42) e.int(32, 0).int(31, 0);
    e.int(151, order.leaves).int(14, order.cum);
    writeAveragePrice(e, order.notional, order.cum, tickUnits, tickDecimals);
    e.utcTimestamp(60, nowMs);
    if (text !== undefined) e.string(58, text);
  }

  /**
   * ExecutionReport ExecType 8 for an order the exchange never accepted; with `status`, the
   * answer to an OrderStatusRequest for an order it does not know (4.4 ExecType I; 4.2
   * ExecTransType 3, ExecType 8), OrdStatus 8 either way.
   */
  rejectedNew(
    e: FixEncoder,
    execId: number,
    nowMs: number,
    clOrdId: string,
    symbol: string,
    side: string,
    orderQty: number,
    reason: number,
    text: string,
    status = false,
  ): void {
    e.string(37, 'NONE').string(11, clOrdId).string(17, String(execId));
    if (this.v42) e.char(20, status ? '3' : '0');
    e.char(150, status && !this.v42 ? 'I' : '8').char(39, '8').string(55, symbol).string(54, side);
    if (Number.isSafeInteger(orderQty) && orderQty > 0) e.int(38, orderQty);
    if (this.v42) e.int(32, 0).int(31, 0);
    e.int(151, 0).int(14, 0).int(6, 0);
    // FIX 4.2 has no OrdRejReason 'Other' (99): the field is left out, the Text says why.
    if (!this.v42 || reason <= MAX_ORD_REJ_REASON_42) e.int(103, reason);
    e.utcTimestamp(60, nowMs).string(58, text);
  }

  cancelReject(
    e: FixEncoder,
    orderId: number | undefined,
    clOrdId: string,
    origClOrdId: string,
    ordStatus: string,
    responseTo: string,
    reason: number,
    text: string,
  ): void {
    e.string(37, orderId === undefined ? 'NONE' : String(orderId)).string(11, clOrdId).string(41, origClOrdId);
    e.char(39, ordStatus).char(434, responseTo);
    // FIX 4.2 has no CxlRejReason 'Other' (99): the field is left out, the Text says why.
    if (!this.v42 || reason <= MAX_CXL_REJ_REASON_42) e.int(102, reason);
    e.string(58, text);
  }

  massCancelReport(e: FixEncoder, massId: number, clOrdId: string, type: string, response: string, affected: number, rejectReason: number): void {
    e.string(11, clOrdId).string(37, `M${massId}`).string(530, type).string(531, response);
    if (rejectReason >= 0) e.int(532, rejectReason);
    e.int(533, affected);
  }
}

/** A price in ticks as a count of 10^-decimals units (the tick is a whole number of them). */
export function tickPrice(ticks: number, tickUnits: number, decimals: number): number {
  return ticks * (tickUnits / 10 ** (AVG_DECIMALS - decimals));
}

/** AvgPx (6): Σ price × qty / cum, exact to 8 decimals; 0 before any fill. */
function writeAveragePrice(e: FixEncoder, notional: number, cum: number, tickUnits: number, tickDecimals: number): void {
  if (cum === 0) {
    e.int(6, 0);
    return;
  }
  // notional × tickUnits may pass 2^53: divide the whole ticks first, then the remainder (< cum, so r × tickUnits stays exact).
  const whole = Math.floor(notional / cum);
  const remainder = notional - whole * cum;
  let units = whole * tickUnits + Math.round((remainder * tickUnits) / cum);
  let decimals = AVG_DECIMALS;
  while (decimals > tickDecimals && units % 10 === 0) {
    units /= 10;
    decimals--;
  }
  e.scaledPrice(6, units, decimals);
}
