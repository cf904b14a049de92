// What the bench needs of each order book: one driver per implementation, each with its
// own loops, so that every loop's call sites see one book class only (a loop shared by
// both books would be polymorphic and slow both down).

/** One side's top levels, best first: [price, quantity]. */
export type TopLevels = Array<[number, number]>;

export interface BookDriver {
  readonly impl: string;
  /** Untimed: cancels what the previous pass left resting, then applies the seed operations. */
  prepare(): void;
  /** Applies every stream operation in a tight loop. */
  applyStream(): void;
  /** Applies every stream operation, writing each one's monotonicNs interval (clock read included) into `out`. */
  timeEachOperation(out: Float64Array): void;
  /** Operations the book refused (unknown id, bad quantity…) and adds that matched instead of resting. */
  readonly rejected: number;
  readonly crossed: number;
  /** Top `levels` of one side of the book as it is now. */
  topLevels(side: 'bids' | 'asks', levels: number): TopLevels;
}
