// The two engines under the matching bench's commands, one driver class each so that every
// loop's call sites see one engine only. Each counts what it traded (per command, in the
// checking pass) so that matching-check.ts can compare them.
//   marketfeed: MatchingEngine with a sink that only counts (no allocation), numeric ids.
//   hft-limit-order-book: its own matching through its public API: limit({ id, side, size,
//   price, timeInForce }) for limit orders (GTC, IOC, FOK), market({ side, size }) for market
//   orders, cancel(id), and modify(id, { price, size }) for a replace (its modify cancels and
//   re-adds the order: the flow only keeps priority where both semantics agree, see
//   matching-commands.ts). Ids are the strings built before the run.
import { type LimitOrderOptions, OrderBook, Side } from 'hft-limit-order-book';
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { depthLevels } from '../../runtime/book/limit-order-book.ts';
import { MatchingEngine } from '../../runtime/matching/matching-engine.ts';
import { IgnoringEventSink, ORDER_TYPE_MARKET, SIDE_BUY, TIF_FOK, TIF_IOC } from '../../runtime/matching/matching-events.ts';
import type { TopLevels } from '../book/book-driver.ts';
import { CANCEL, type MatchingCommands, type MatchingFlow, SUBMIT } from './matching-commands.ts';

export const PEER_IMPL = 'hft-limit-order-book';

export interface MatchingDriver {
  readonly impl: string;
  /** Untimed: empties the book, then submits the seed commands. */
  prepare(): void;
  /** Submits every stream command in a tight loop. */
  applyStream(): void;
  /** The same, writing each command's monotonicNs interval (clock read included) into `out`. */
  timeEachOperation(out: Float64Array): void;
  /** The stream once more, writing the quantity each command traded into `out` (for the check). */
  tradedPerCommand(out: Float64Array): void;
  /** Commands the engine refused (a FOK it could not fill is not a refusal). */
  readonly rejected: number;
  /** Every level of one side, best first: [price, quantity]. */
  topLevels(side: 'bids' | 'asks', levels: number): TopLevels;
}

class CountingSink extends IgnoringEventSink {
  volume = 0;
  rejected = 0;

  override onTrade(_aggressorId: number, _restingId: number, _price: number, quantity: number): void {
    this.volume += quantity;
  }

  override onRejected(): void {
    this.rejected++;
  }
}

export class MarketfeedMatchingDriver implements MatchingDriver {
  readonly impl = 'marketfeed';
  private readonly sink = new CountingSink();
  private readonly engine = new MatchingEngine(this.sink);
  private readonly flow: MatchingFlow;

  constructor(flow: MatchingFlow) {
    this.flow = flow;
  }

  get rejected(): number {
    return this.sink.rejected;
  }

  prepare(): void {
    this.engine.massCancelAll();
    const seed = this.flow.seed;
    for (let index = 0; index < seed.length; index++) this.apply(seed, index);
  }

  applyStream(): void {
    const stream = this.flow.stream;
    for (let index = 0; index < stream.length; index++) this.apply(stream, index);
  }

  timeEachOperation(out: Float64Array): void {
    const stream = this.flow.stream;
    for (let index = 0; index < stream.length; index++) {
      const start = monotonicNs();
      this.apply(stream, index);
      out[index] = monotonicNs() - start;
    }
  }

  tradedPerCommand(out: Float64Array): void {
    const stream = this.flow.stream;
    for (let index = 0; index < stream.length; index++) {
      const before = this.sink.volume;
      this.apply(stream, index);
      out[index] = this.sink.volume - before;
    }
  }

  topLevels(side: 'bids' | 'asks', levels: number): TopLevels {
    const out = depthLevels(levels);
    const count = this.engine.book.depth(side === 'bids' ? 'buy' : 'sell', out);
    return Array.from({ length: count }, (_, level): [number, number] => [out.prices[level], out.quantities[level]]);
  }

  private apply(commands: MatchingCommands, index: number): void {
    const engine = this.engine;
    const kind = commands.kinds[index];
    if (kind === SUBMIT) {
      engine.submit(commands.ids[index], 0, commands.sides[index], commands.types[index], commands.tifs[index], commands.prices[index], commands.quantities[index]);
    } else if (kind === CANCEL) {
      engine.cancel(commands.ids[index]);
    } else {
      engine.replace(commands.ids[index], commands.ids[index], commands.prices[index], commands.quantities[index]);
    }
  }
}

// Its TimeInForce enum is not exported at run time; its values are these strings.
const PEER_TIF = { IOC: 'IOC', FOK: 'FOK', GTC: 'GTC' } as unknown as Record<'IOC' | 'FOK' | 'GTC', LimitOrderOptions['timeInForce']>;

export class PeerMatchingDriver implements MatchingDriver {
  readonly impl = PEER_IMPL;
  rejected = 0;
  private readonly book = new OrderBook();
  private readonly flow: MatchingFlow;
  private streamApplied = false;

  constructor(flow: MatchingFlow) {
    this.flow = flow;
  }

  prepare(): void {
    if (this.streamApplied) for (const id of this.flow.leftoverIdStrings) this.book.cancel(id);
    const seed = this.flow.seed;
    for (let index = 0; index < seed.length; index++) this.apply(seed, index);
    this.streamApplied = false;
  }

  applyStream(): void {
    const stream = this.flow.stream;
    for (let index = 0; index < stream.length; index++) this.apply(stream, index);
    this.streamApplied = true;
  }

  timeEachOperation(out: Float64Array): void {
    const stream = this.flow.stream;
    for (let index = 0; index < stream.length; index++) {
      const start = monotonicNs();
      this.apply(stream, index);
      out[index] = monotonicNs() - start;
    }
    this.streamApplied = true;
  }

  tradedPerCommand(out: Float64Array): void {
    const stream = this.flow.stream;
    for (let index = 0; index < stream.length; index++) out[index] = this.apply(stream, index);
    this.streamApplied = true;
  }

  topLevels(side: 'bids' | 'asks', levels: number): TopLevels {
    const [asks, bids] = this.book.depth();
    const best = side === 'bids' ? bids.sort((a, b) => b[0] - a[0]) : asks.sort((a, b) => a[0] - b[0]);
    return best.slice(0, levels);
  }

  /** Applies one command; returns the quantity it traded. */
  private apply(commands: MatchingCommands, index: number): number {
    const book = this.book;
    const id = commands.idStrings[index];
    const kind = commands.kinds[index];
    if (kind === CANCEL) {
      if (book.cancel(id) === undefined) this.rejected++;
      return 0;
    }
    const side = commands.sides[index] === SIDE_BUY ? Side.BUY : Side.SELL;
    const size = commands.peerSizes[index];
    let result;
    if (kind !== SUBMIT) result = book.modify(id, { price: commands.prices[index], size });
    else if (commands.types[index] === ORDER_TYPE_MARKET) result = book.market({ side, size });
    else {
      const tif = commands.tifs[index];
      const timeInForce = tif === TIF_IOC ? PEER_TIF.IOC : tif === TIF_FOK ? PEER_TIF.FOK : PEER_TIF.GTC;
      result = book.limit({ id, side, size, price: commands.prices[index], timeInForce });
      // A FOK it cannot fill comes back as an error: an expiry, as in our engine, not a refusal.
      if (result.err !== null && tif === TIF_FOK) return 0;
    }
    if (result.err !== null) {
      this.rejected++;
      return 0;
    }
    return size - result.quantityLeft;
  }
}
