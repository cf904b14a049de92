// What a book operation did. Operations return one of these string constants instead of
// throwing, so a feed handler can count and log rejected updates without paying for an
// exception or an allocation on the hot path; `expectOk` turns a rejection into a
// `BookError` for callers that prefer to throw. A rejected operation changes nothing.

export type BookRejection =
  /** The order id is not a safe integer. */
  | 'bad-order-id'
  /** The price is not a safe integer number of ticks. */
  | 'bad-price'
  /**
   * The quantity is not a positive safe integer, exceeds what the order has left, or would
   * take the side's resting total past 2^53 - 1 (where level totals would stop being exact).
   */
  | 'bad-quantity'
  /** No resting order has this id. */
  | 'unknown-order'
  /** A resting order already has this id. */
  | 'duplicate-order'
  /** The order would rest through the best price on the other side. */
  | 'crosses-book'
  /** The order would rest at the best price on the other side. */
  | 'locks-book';

export type BookResult = 'ok' | BookRejection;

const descriptions: Record<BookRejection, string> = {
  'bad-order-id': 'order id is not a safe integer',
  'bad-price': 'price is not a safe integer number of ticks',
  'bad-quantity': 'quantity is not a positive safe integer within the order and the side total',
  'unknown-order': 'no resting order has this id',
  'duplicate-order': 'a resting order already has this id',
  'crosses-book': 'order would cross the book',
  'locks-book': 'order would lock the book',
};

export class BookError extends Error {
  readonly code: BookRejection;
  readonly orderId: number;

  constructor(code: BookRejection, orderId: number, operation: string) {
    super(`${operation} of order ${orderId} rejected: ${descriptions[code]} (${code})`);
    this.name = 'BookError';
    this.code = code;
    this.orderId = orderId;
  }
}

/** Throws a BookError unless the result is 'ok'. */
export function expectOk(result: BookResult, orderId: number, operation: string): void {
  if (result !== 'ok') throw new BookError(result, orderId, operation);
}
