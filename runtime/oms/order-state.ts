// The FIX order states and the events that move an order between them, as small integers
// (typed-array columns hold them), with their names for logs and errors.

/** OrdStatus-like states of one order (FIX 4.4 OrdStatus 39 in brackets). */
export const ORDER_STATE = {
  /** Sent, not yet acknowledged (A). */
  PENDING_NEW: 0,
  /** Acknowledged, nothing filled (0). */
  NEW: 1,
  /** Part filled, the rest working (1). */
  PARTIALLY_FILLED: 2,
  /** Fully filled (2), terminal. */
  FILLED: 3,
  /** A cancel was requested and not yet answered (6). */
  PENDING_CANCEL: 4,
  /** A replace was requested and not yet answered (E). */
  PENDING_REPLACE: 5,
  /** Canceled (4), terminal. */
  CANCELED: 6,
  /** Replaced by a new ClOrdID (5), terminal for this ClOrdID: the new one takes over. */
  REPLACED: 7,
  /** Refused by the exchange (8), terminal. */
  REJECTED: 8,
  /** Expired by its time in force (C), terminal. */
  EXPIRED: 9,
} as const;
export const ORDER_STATE_COUNT = 10;

export const ORDER_STATE_NAMES = [
  'PendingNew',
  'New',
  'PartiallyFilled',
  'Filled',
  'PendingCancel',
  'PendingReplace',
  'Canceled',
  'Replaced',
  'Rejected',
  'Expired',
] as const;

/** What happens to an order: our requests and the exchange's answers. */
export const ORDER_EVENT = {
  /** The exchange acknowledged the order (ExecType 0). */
  ACK_NEW: 0,
  /** A fill that leaves quantity working (ExecType 1 / F with LeavesQty > 0). */
  FILL_PARTIAL: 1,
  /** A fill that completes the order (ExecType 2 / F with LeavesQty 0). */
  FILL_FULL: 2,
  /** We sent an OrderCancelRequest (35=F). */
  CANCEL_REQUEST: 3,
  /** We sent an OrderCancelReplaceRequest (35=G). */
  REPLACE_REQUEST: 4,
  /** The exchange canceled the order (ExecType 4), asked or not. */
  CANCELED: 5,
  /** The exchange replaced the order (ExecType 5). */
  REPLACED: 6,
  /** The exchange refused the order (ExecType 8). */
  REJECT: 7,
  /** The exchange refused the cancel or replace (OrderCancelReject, 35=9). */
  CANCEL_REJECT: 8,
  /** The order expired (ExecType C). */
  EXPIRE: 9,
} as const;
export const ORDER_EVENT_COUNT = 10;

export const ORDER_EVENT_NAMES = [
  'AckNew',
  'FillPartial',
  'FillFull',
  'CancelRequest',
  'ReplaceRequest',
  'Canceled',
  'Replaced',
  'Reject',
  'CancelReject',
  'Expire',
] as const;

/** Returned by the state machine instead of a state when the transition is illegal. */
export const ILLEGAL_TRANSITION = -1;

export function isTerminalState(state: number): boolean {
  return state === ORDER_STATE.FILLED || state >= ORDER_STATE.CANCELED;
}

/** Whether an order in `state` still has (or may still have) quantity working at the exchange. */
export function isLiveState(state: number): boolean {
  return !isTerminalState(state);
}

/** An illegal transition, for callers off the hot path (the hot path gets ILLEGAL_TRANSITION). */
export class IllegalTransitionError extends Error {
  readonly code = 'IllegalTransition';
  readonly from: number;
  readonly event: number;

  constructor(from: number, event: number) {
    super(`illegal order transition: ${ORDER_EVENT_NAMES[event] ?? `event ${event}`} in state ${ORDER_STATE_NAMES[from] ?? `state ${from}`}`);
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.event = event;
  }
}
