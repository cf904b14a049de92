// The normalized order-level event a feed handler consumes. A venue's reader (LOBSTER now,
// ITCH or others later) fills one reusable OrderEvent per message; the handler never sees
// the venue's file format. The codes are LOBSTER's event types, which name the cases every
// order-level feed has.
export const OrderEventType = {
  /** A new visible limit order. */
  add: 1,
  /** Part of a resting order cancelled. */
  reduce: 2,
  /** A resting order deleted. */
  cancel: 3,
  /** A visible resting order executed for `size`. */
  execute: 4,
  /** A hidden (never displayed) order executed: the visible book is unchanged. */
  hiddenExecution: 5,
  /** An auction cross printed: the visible book is unchanged. */
  crossTrade: 6,
  /** Trading status: price -1 halted, 0 quoting resumes, 1 trading resumes. */
  tradingStatus: 7,
} as const;

export interface OrderEvent {
  instrumentId: number;
  /**
   * Nanoseconds after midnight, venue local time, of the trading date (LOBSTER and ITCH
   * both count time this way); the handler adds the date's midnight in UTC.
   */
  timeOfDayNs: number;
  /** One of OrderEventType. */
  type: number;
  orderId: number;
  size: number;
  /** In the venue's ticks (LOBSTER: USD × 10,000). */
  price: number;
  /** 1 buy, -1 sell; for executions the side of the resting order. */
  direction: number;
}

/**
 * The reusable event a reader fills. A class, not an object literal: its instances get a
 * map (hidden class) of their own, so a double time stays an in-place double field. Object
 * literals with the same keys share one map, and once any of them holds something else in
 * that field, every store of a time into it would box a fresh number on the heap.
 */
export class ReusableOrderEvent implements OrderEvent {
  instrumentId = 0;
  timeOfDayNs = 0;
  type = 0;
  orderId = 0;
  size = 0;
  price = 0;
  direction = 0;
}

export function emptyOrderEvent(): OrderEvent {
  return new ReusableOrderEvent();
}
