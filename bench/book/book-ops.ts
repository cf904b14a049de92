// The book operations a bench pass applies, as typed-array columns built before any
// timing, so that both books are fed exactly the same updates and no parsing or object
// access is timed. Ids are also kept as strings for hft-limit-order-book, whose API takes
// string ids (built here, once, so the peer is not charged for String(id) either).

export const ADD = 1;
/** Partial cancel: take `quantity` off; `remaining` is what the order has left after. */
export const REDUCE = 2;
export const CANCEL = 3;
/** Execution of `quantity` against a resting order; `remaining` as for REDUCE. */
export const EXECUTE = 4;
/** Same id, same side: rest again at `price` with `quantity` (LobsterReplay tops up a seed order this way). */
export const REPLACE = 5;

export const BUY = 0;
export const SELL = 1;

export interface BookOps {
  length: number;
  kinds: Uint8Array;
  ids: Float64Array;
  /** The same ids as strings, for the peer. */
  idStrings: string[];
  /** BUY or SELL (for ADD; the side of the order otherwise). */
  sides: Uint8Array;
  prices: Float64Array;
  quantities: Float64Array;
  /** Quantity the order has left after the operation (0 = it left the book). */
  remaining: Float64Array;
}

/** One operation before it is packed into columns. */
export interface BookOp {
  kind: number;
  id: number;
  side: number;
  price: number;
  quantity: number;
  remaining: number;
}

export function packOps(ops: readonly BookOp[]): BookOps {
  const length = ops.length;
  const packed: BookOps = {
    length,
    kinds: new Uint8Array(length),
    ids: new Float64Array(length),
    idStrings: ops.map((op) => String(op.id)),
    sides: new Uint8Array(length),
    prices: new Float64Array(length),
    quantities: new Float64Array(length),
    remaining: new Float64Array(length),
  };
  ops.forEach((op, index) => {
    packed.kinds[index] = op.kind;
    packed.ids[index] = op.id;
    packed.sides[index] = op.side;
    packed.prices[index] = op.price;
    packed.quantities[index] = op.quantity;
    packed.remaining[index] = op.remaining;
  });
  return packed;
}

/** What one bench pass applies: seed the book, then the stream; `leftover` is what rests after it. */
export interface BookWorkload {
  seed: BookOps;
  stream: BookOps;
  /** Ids resting after the stream, cancelled between passes (outside the timed region). */
  leftoverIds: Float64Array;
  leftoverIdStrings: string[];
  /** LOBSTER messages read, and how many of them did not touch the book (types 5, 6, 7). */
  messages: number;
  unchangedMessages: number;
  /** Stream operations that bring levels into view from the orderbook file, not from a message (see runtime/book/lobster.ts). */
  learnedOperations: number;
}
