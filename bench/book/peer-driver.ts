// hft-limit-order-book (a matching engine) under the bench's operations, through its
// public API: an add is a GTC limit order (which must rest: one that matches is counted
// as crossed); a partial cancel or a partial execution is modify(id, { size: remaining })
// — its only way to take quantity off an order, which also sends the order to the back of
// its queue (level totals are unchanged); a full one, or a delete, is cancel(id); a seed
// top-up is modify(id, { price, size }). Ids are the pre-built strings of BookOps.
import { OrderBook, Side } from 'hft-limit-order-book';
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { ADD, BUY, type BookOps, type BookWorkload, CANCEL, EXECUTE, REDUCE, REPLACE } from './book-ops.ts';
import type { BookDriver, TopLevels } from './book-driver.ts';

export const PEER_IMPL = 'hft-limit-order-book';

export class PeerBookDriver implements BookDriver {
  readonly impl = PEER_IMPL;
  rejected = 0;
  crossed = 0;
  private readonly book = new OrderBook();
  private readonly workload: BookWorkload;
  private streamApplied = false;

  constructor(workload: BookWorkload) {
    this.workload = workload;
  }

  prepare(): void {
    const book = this.book;
    if (this.streamApplied) {
      for (const id of this.workload.leftoverIdStrings) if (book.cancel(id) === undefined) this.rejected++;
    }
    const seed = this.workload.seed;
    for (let index = 0; index < seed.length; index++) this.apply(seed, index);
    this.streamApplied = false;
  }

  applyStream(): void {
    const stream = this.workload.stream;
    for (let index = 0; index < stream.length; index++) this.apply(stream, index);
    this.streamApplied = true;
  }

  timeEachOperation(out: Float64Array): void {
    const stream = this.workload.stream;
    for (let index = 0; index < stream.length; index++) {
      const start = monotonicNs();
      this.apply(stream, index);
      out[index] = monotonicNs() - start;
    }
    this.streamApplied = true;
  }

  topLevels(side: 'bids' | 'asks', levels: number): TopLevels {
    const [asks, bids] = this.book.depth();
    const best = side === 'bids' ? bids.sort((a, b) => b[0] - a[0]) : asks.sort((a, b) => a[0] - b[0]);
    return best.slice(0, levels);
  }

  private apply(ops: BookOps, index: number): void {
    const book = this.book;
    const id = ops.idStrings[index];
    switch (ops.kinds[index]) {
      case ADD: {
        const side = ops.sides[index] === BUY ? Side.BUY : Side.SELL;
        const result = book.limit({ id, side, size: ops.quantities[index], price: ops.prices[index] });
        if (result.err !== null) this.rejected++;
        else if (result.done.length > 0 || result.partial !== null) this.crossed++;
        return;
      }
      case REDUCE:
      case EXECUTE: {
        const remaining = ops.remaining[index];
        if (remaining > 0) {
          if (book.modify(id, { size: remaining }).err !== null) this.rejected++;
        } else if (book.cancel(id) === undefined) this.rejected++;
        return;
      }
      case CANCEL:
        if (book.cancel(id) === undefined) this.rejected++;
        return;
      case REPLACE:
        if (book.modify(id, { price: ops.prices[index], size: ops.quantities[index] }).err !== null) this.rejected++;
        return;
      default:
        this.rejected++;
    }
  }
}
