// Our LimitOrderBook under the bench's operations: one method call per operation, the
// side as one of two constant strings, the result compared with the constant 'ok'.
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { LimitOrderBook, depthLevels } from '../../runtime/book/limit-order-book.ts';
import { ADD, BUY, type BookOps, type BookWorkload, CANCEL, EXECUTE, REDUCE, REPLACE } from './book-ops.ts';
import type { BookDriver, TopLevels } from './book-driver.ts';

export class MarketfeedBookDriver implements BookDriver {
  readonly impl = 'marketfeed';
  rejected = 0;
  readonly crossed = 0;
  private readonly book = new LimitOrderBook();
  private readonly workload: BookWorkload;
  private streamApplied = false;

  constructor(workload: BookWorkload) {
    this.workload = workload;
  }

  prepare(): void {
    const book = this.book;
    if (this.streamApplied) {
      const leftover = this.workload.leftoverIds;
      for (let index = 0; index < leftover.length; index++) if (book.cancel(leftover[index]) !== 'ok') this.rejected++;
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
    const out = depthLevels(levels);
    const count = this.book.depth(side === 'bids' ? 'buy' : 'sell', out);
    const top: TopLevels = [];
    for (let level = 0; level < count; level++) top.push([out.prices[level], out.quantities[level]]);
    return top;
  }

  private apply(ops: BookOps, index: number): void {
    const book = this.book;
    const id = ops.ids[index];
    let result;
    switch (ops.kinds[index]) {
      case ADD:
        result = book.add(id, ops.sides[index] === BUY ? 'buy' : 'sell', ops.prices[index], ops.quantities[index]);
        break;
      case REDUCE:
        result = book.reduce(id, ops.quantities[index]);
        break;
      case CANCEL:
        result = book.cancel(id);
        break;
      case EXECUTE:
        result = book.execute(id, ops.quantities[index]);
        break;
      case REPLACE:
        result = book.replace(id, id, ops.prices[index], ops.quantities[index]);
        break;
      default:
        result = 'unknown-operation';
    }
    if (result !== 'ok') this.rejected++;
  }
}
