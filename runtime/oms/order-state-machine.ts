// The FIX order state machine as a table: (state, event) → next state, with the pending
// states (PendingCancel, PendingReplace) remembering the state they came from ("prior") so
// that an OrderCancelReject puts the order back, and so that fills and a late New ack that
// arrive while a request is pending still move that prior state on. An illegal transition is
// refused and counted per (from, event); the caller gets ILLEGAL_TRANSITION (a code, not a
// throw: the hot path allocates nothing) and applies nothing.
import {
  ILLEGAL_TRANSITION,
  IllegalTransitionError,
  ORDER_EVENT as E,
  ORDER_EVENT_COUNT,
  ORDER_STATE as S,
  ORDER_STATE_COUNT,
} from './order-state.ts';

const X = ILLEGAL_TRANSITION;

/**
 * Next state of an order that has no request pending, by [state][event]. Columns: AckNew,
 * FillPartial, FillFull, CancelRequest, ReplaceRequest, Canceled, Replaced, Reject,
 * CancelReject, Expire. A New ack after a fill or after the order ended is a late report FIX
 * allows (reports can be resent out of order): it changes nothing. A cancel reject after the
 * order ended is the "too late to cancel" answer to a request the fill overtook: it changes nothing.
 */
const BASE: readonly (readonly number[])[] = [
  /* PendingNew      */ [S.NEW, S.PARTIALLY_FILLED, S.FILLED, S.PENDING_CANCEL, X, S.CANCELED, X, S.REJECTED, X, S.EXPIRED],
  /* New             */ [X, S.PARTIALLY_FILLED, S.FILLED, S.PENDING_CANCEL, S.PENDING_REPLACE, S.CANCELED, X, X, X, S.EXPIRED],
  /* PartiallyFilled */ [S.PARTIALLY_FILLED, S.PARTIALLY_FILLED, S.FILLED, S.PENDING_CANCEL, S.PENDING_REPLACE, S.CANCELED, X, X, X, S.EXPIRED],
  /* Filled          */ [S.FILLED, X, X, X, X, X, X, X, S.FILLED, X],
  /* PendingCancel   */ [X, X, X, X, X, X, X, X, X, X],
  /* PendingReplace  */ [X, X, X, X, X, X, X, X, X, X],
  /* Canceled        */ [S.CANCELED, X, X, X, X, X, X, X, S.CANCELED, X],
  /* Replaced        */ [S.REPLACED, X, X, X, X, X, X, X, S.REPLACED, X],
  /* Rejected        */ [X, X, X, X, X, X, X, X, X, X],
  /* Expired         */ [S.EXPIRED, X, X, X, X, X, X, X, S.EXPIRED, X],
];

const TABLE = new Int8Array(ORDER_STATE_COUNT * ORDER_EVENT_COUNT);
for (let s = 0; s < ORDER_STATE_COUNT; s++) for (let e = 0; e < ORDER_EVENT_COUNT; e++) TABLE[s * ORDER_EVENT_COUNT + e] = BASE[s][e];

/** The next state in a packed transition result. */
export function nextStateOf(packed: number): number {
  return packed & 15;
}

/** The prior state (what a cancel reject returns to) in a packed transition result. */
export function nextPriorOf(packed: number): number {
  return packed >> 4;
}

function pack(state: number, prior: number): number {
  return state | (prior << 4);
}

export class OrderStateMachine {
  /** Illegal transitions refused, by from × ORDER_EVENT_COUNT + event. */
  readonly illegalCounts = new Uint32Array(ORDER_STATE_COUNT * ORDER_EVENT_COUNT);
  illegalTotal = 0;

  /**
   * The transition of an order in `state` (with `prior`, meaningful in the pending states) on
   * `event`: packed next state and prior (nextStateOf, nextPriorOf), or ILLEGAL_TRANSITION,
   * counted. Pure apart from the count: the caller writes the result to the order.
   */
  transition(state: number, prior: number, event: number): number {
    const packed = this.peek(state, prior, event);
    if (packed === X) {
      this.illegalCounts[state * ORDER_EVENT_COUNT + event]++;
      this.illegalTotal++;
    }
    return packed;
  }

  /** The transition without counting it (to tell a resent report from an illegal one). */
  peek(state: number, prior: number, event: number): number {
    return state === S.PENDING_CANCEL || state === S.PENDING_REPLACE ? pending(state, prior, event) : base(state, event);
  }

  /** As transition, throwing IllegalTransitionError (for callers off the hot path). */
  transitionOrThrow(state: number, prior: number, event: number): number {
    const packed = this.transition(state, prior, event);
    if (packed === X) throw new IllegalTransitionError(state, event);
    return packed;
  }

  illegalCount(from: number, event: number): number {
    return this.illegalCounts[from * ORDER_EVENT_COUNT + event];
  }
}

function base(state: number, event: number): number {
  if (state < 0 || state >= ORDER_STATE_COUNT || event < 0 || event >= ORDER_EVENT_COUNT) return X;
  const next = TABLE[state * ORDER_EVENT_COUNT + event];
  if (next === X) return X;
  // Entering a pending state remembers where it came from.
  return pack(next, next === S.PENDING_CANCEL || next === S.PENDING_REPLACE ? state : next);
}

/** A request is pending: one at a time; fills and acks move the prior state on underneath. */
function pending(state: number, prior: number, event: number): number {
  switch (event) {
    case E.ACK_NEW:
    case E.FILL_PARTIAL: {
      const next = base(prior, event);
      return next === X ? X : pack(state, nextStateOf(next));
    }
    case E.FILL_FULL:
      return pack(S.FILLED, S.FILLED);
    case E.CANCELED:
      return pack(S.CANCELED, S.CANCELED);
    case E.REPLACED:
      return state === S.PENDING_REPLACE ? pack(S.REPLACED, S.REPLACED) : X;
    case E.REJECT:
      // A new order refused while its cancel was pending (the cancel overtook nothing).
      return prior === S.PENDING_NEW ? pack(S.REJECTED, S.REJECTED) : X;
    case E.CANCEL_REJECT:
      return pack(prior, prior);
    case E.EXPIRE:
      return pack(S.EXPIRED, S.EXPIRED);
    default:
      return X;
  }
}
