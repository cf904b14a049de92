// What a MatchingEngine tells the outside world: every outcome of a command is one call on
// a MatchingEventSink, with primitive arguments only, so that an exchange can turn them
// into ExecutionReports and market data without an object per order or fill.
//
// Codes are numbers; where FIX has a code for the same thing the number is FIX's (Side 54,
// OrdType 40, TimeInForce 59, SelfMatchPreventionInstruction 2964), so a FIX layer passes
// them through. Quantities are integer lots and prices integer ticks; `notional` is the sum
// of price × quantity over an order's fills (exact: the engine bounds it below 2^53), so the
// average fill price is notional / cumQuantity without rounding until the caller divides.

/** Side (FIX 54). */
export const SIDE_BUY = 1;
export const SIDE_SELL = 2;

/** Order type (FIX 40). A market order's price argument is ignored. */
export const ORDER_TYPE_MARKET = 1;
export const ORDER_TYPE_LIMIT = 2;

/**
 * Time in force (FIX 59). DAY and GTC rest until canceled (this engine has no trading-day
 * end); IOC and FOK never rest: what they do not fill at once expires.
 */
export const TIF_DAY = 0;
export const TIF_GTC = 1;
export const TIF_IOC = 3;
export const TIF_FOK = 4;

/**
 * Self-trade prevention mode of an engine (values as FIX 2964 SelfMatchPreventionInstruction,
 * with 0 for off): what happens when an aggressive order meets a resting order of the same owner.
 */
export const STP_OFF = 0;
/** The aggressor's remaining quantity is canceled; the resting order stays (CME's "cancel newest"). */
export const STP_CANCEL_AGGRESSOR = 1;
/** The resting order is canceled and matching goes on (CME's "cancel oldest"). */
export const STP_CANCEL_RESTING = 2;
/** Both are canceled. */
export const STP_CANCEL_BOTH = 3;

/** The command a rejection answers. */
export const COMMAND_SUBMIT = 1;
export const COMMAND_CANCEL = 2;
export const COMMAND_REPLACE = 3;
export const COMMAND_MASS_CANCEL = 4;

/** Why a command was rejected (the command changed nothing). 0 is never a rejection. */
export const REJECT_NONE = 0;
/** An order id (or replace's new id) is not a non-negative safe integer. */
export const REJECT_BAD_ORDER_ID = 1;
/** A resting order already has this id. */
export const REJECT_DUPLICATE_ORDER_ID = 2;
/** No resting order has this id (never existed, or already filled, canceled or expired). */
export const REJECT_UNKNOWN_ORDER = 3;
export const REJECT_BAD_SIDE = 4;
export const REJECT_BAD_ORDER_TYPE = 5;
export const REJECT_BAD_TIME_IN_FORCE = 6;
/** A limit price that is not a safe integer number of ticks within ±maxPrice. */
export const REJECT_BAD_PRICE = 7;
/** Not a positive safe integer within maxQuantity. */
export const REJECT_BAD_QUANTITY = 8;
/** The owner id is not a non-negative safe integer. */
export const REJECT_BAD_OWNER_ID = 9;
/** A replace's new order quantity is not above what the order has filled already. */
export const REJECT_REPLACE_BELOW_FILLED = 10;
/** Resting the order would take its side's total past 2^53 − 1 lots (totals would stop being exact). */
export const REJECT_SIDE_TOTAL_LIMIT = 11;

export type RejectReason = number;

const REJECT_NAMES = [
  'none',
  'bad-order-id',
  'duplicate-order-id',
  'unknown-order',
  'bad-side',
  'bad-order-type',
  'bad-time-in-force',
  'bad-price',
  'bad-quantity',
  'bad-owner-id',
  'replace-below-filled',
  'side-total-limit',
];

/** The name of a reject reason, for logs and messages (e.g. 'unknown-order'). */
export function rejectReasonName(reason: RejectReason): string {
  return REJECT_NAMES[reason] ?? `reason-${reason}`;
}

/** Why an order left the book other than by filling. */
export const CANCEL_REQUESTED = 1;
/** Self-trade prevention canceled it. */
export const CANCEL_SELF_TRADE = 2;
export const CANCEL_MASS = 3;

const CANCEL_NAMES = ['', 'requested', 'self-trade', 'mass-cancel'];

export function cancelReasonName(reason: number): string {
  return CANCEL_NAMES[reason] ?? `reason-${reason}`;
}

/**
 * Receives the outcome of every command, in the order the engine decided them: for a
 * submit, onAccepted first, then its trades, then at most one onCanceled (self-trade) or
 * onExpired for what is left, then onBookChanged if the top of the book moved. The engine
 * is not re-entrant: a sink must not call the engine back from inside a callback.
 */
export interface MatchingEventSink {
  onAccepted(orderId: number, ownerId: number, side: number, orderType: number, timeInForce: number, price: number, quantity: number): void;
  /** The command (COMMAND_*) on `orderId` (the owner id for a mass cancel) was refused; nothing changed. */
  onRejected(command: number, orderId: number, reason: RejectReason): void;
  /**
   * One fill between the incoming (aggressor) order and a resting one, at the resting
   * order's price. Leaves are what each order has left after this fill (0 = filled, gone
   * from the book), cum its total filled quantity, notional its Σ price × quantity.
   */
  onTrade(
    aggressorId: number,
    restingId: number,
    price: number,
    quantity: number,
    aggressorLeaves: number,
    aggressorCum: number,
    aggressorNotional: number,
    restingLeaves: number,
    restingCum: number,
    restingNotional: number,
  ): void;
  /** The order left the book with `canceledQuantity` unfilled (CANCEL_* reason). */
  onCanceled(orderId: number, canceledQuantity: number, cum: number, notional: number, reason: number): void;
  /**
   * A resting order was replaced: it is now `newOrderId` (may equal `orderId`) at `price`
   * with `leaves` open (its new order quantity − cum). keptPriority: it kept its place in
   * the queue (same price, quantity not raised). A replace whose price crosses the book
   * then trades as an aggressor (onTrade with aggressorId = newOrderId) before it rests.
   */
  onReplaced(orderId: number, newOrderId: number, price: number, leaves: number, cum: number, notional: number, keptPriority: boolean): void;
  /** An IOC/FOK/market order's unfilled rest (FOK: all of it) expired instead of resting. */
  onExpired(orderId: number, expiredQuantity: number, cum: number, notional: number): void;
  /**
   * The best bid or offer (price or quantity) differs from before the command. An empty
   * side has price NaN and quantity 0.
   */
  onBookChanged(bidPrice: number, bidQuantity: number, askPrice: number, askQuantity: number): void;
}

/** A sink that ignores everything: the base for sinks that want a few events only. */
export class IgnoringEventSink implements MatchingEventSink {
  onAccepted(): void {}
  onRejected(): void {}
  onTrade(): void {}
  onCanceled(): void {}
  onReplaced(): void {}
  onExpired(): void {}
  onBookChanged(): void {}
}

/** Average fill price in ticks (a float) from an event's notional and cum; NaN before any fill. */
export function averagePrice(notional: number, cum: number): number {
  return cum === 0 ? Number.NaN : notional / cum;
}
