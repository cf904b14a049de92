// A seeded synthetic order flow shaped like a liquid instrument's: mostly passive adds near
// the touch, cancels and replaces of resting orders, and aggressive orders (IOC and FOK
// limits through a few levels, market orders, marketable GTC limits that trade and rest)
// that sweep levels. The book is seeded with SEED_LEVELS levels a side and kept around
// its working size by steering adds against cancels.
import { ORDER_TYPE_LIMIT, ORDER_TYPE_MARKET, SIDE_BUY, SIDE_SELL, TIF_FOK, TIF_GTC, TIF_IOC } from '../../runtime/matching/matching-events.ts';
import { FlowRecorder, type MatchingFlow } from './matching-commands.ts';

const MID = 100_000;
const SEED_LEVELS = 20;
const ORDERS_PER_SEED_LEVEL = 4;
/** Resting orders the flow steers towards. */
const WORKING_ORDERS = 400;

/** mulberry32: a small seeded PRNG, so every run submits the same flow. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticFlow(commands: number, seed = 12): MatchingFlow {
  const next = random(seed);
  const recorder = new FlowRecorder();
  const book = recorder.engine.book;
  let nextId = 1;
  const lots = (): number => 1 + Math.floor(next() * next() * 100);
  for (let level = 1; level <= SEED_LEVELS; level++) {
    for (let order = 0; order < ORDERS_PER_SEED_LEVEL; order++) {
      recorder.submit(nextId++, SIDE_BUY, ORDER_TYPE_LIMIT, TIF_GTC, MID - level, lots());
      recorder.submit(nextId++, SIDE_SELL, ORDER_TYPE_LIMIT, TIF_GTC, MID + level, lots());
    }
  }
  recorder.endSeed();

  const bestBid = (): number => book.bestBidPrice() ?? (book.bestAskPrice() ?? MID + 1) - 2;
  const bestAsk = (): number => book.bestAskPrice() ?? bestBid() + 2;
  /** Visible quantity in the best `levels` levels of the side a `side` order trades against. */
  const reachable = (side: number, levels: number): number => {
    let total = 0;
    for (let depth = 0; depth < levels; depth++) {
      const head = book.headRowAt(side === SIDE_BUY ? 1 : 0, depth);
      if (head === -1) break;
      total += book.quantityAt(side === SIDE_BUY ? 'sell' : 'buy', book.rowPrice(head));
    }
    return total;
  };

  for (let step = 0; step < commands; step++) {
    const live = recorder.live.ids;
    const addBias = (WORKING_ORDERS - live.length) / WORKING_ORDERS / 4;
    const dice = next();
    const side = next() < 0.5 ? SIDE_BUY : SIDE_SELL;
    if (live.length < 10 || dice < 0.45 + addBias) {
      // Passive: geometric distance behind the touch, never at or through the other side.
      const distance = Math.min(30, Math.floor(-Math.log(1 - next()) * 3));
      const price = side === SIDE_BUY ? Math.min(bestBid() + 1, bestAsk() - 1) - distance : Math.max(bestAsk() - 1, bestBid() + 1) + distance;
      recorder.submit(nextId++, side, ORDER_TYPE_LIMIT, TIF_GTC, price, lots());
    } else if (dice < 0.72) {
      recorder.cancel(live[Math.floor(next() * live.length)]);
    } else if (dice < 0.84) {
      const id = live[Math.floor(next() * live.length)];
      const price = book.orderPrice(id)!;
      const leaves = recorder.engine.orderLeaves(id)!;
      const orderSide = book.orderSide(id) === 'buy' ? SIDE_BUY : SIDE_SELL;
      if (next() < 0.5 && leaves > 1 && recorder.isLastInQueue(id)) {
        // Quantity down: keeps priority (drawn among orders last in their queue, where the peer's
        // cancel-and-re-add lands in the same place).
        recorder.replace(id, price, 1 + Math.floor(next() * (leaves - 1)));
      } else if (next() < 0.25) {
        recorder.replace(id, price, leaves + 1 + Math.floor(next() * 20));
      } else {
        const moved = price + (next() < 0.5 ? -1 : 1) * (1 + Math.floor(next() * 3));
        const passive = orderSide === SIDE_BUY ? Math.min(moved, bestAsk() - 1) : Math.max(moved, bestBid() + 1);
        recorder.replace(id, passive, leaves);
      }
    } else {
      const kind = next();
      const sweep = 1 + Math.floor(next() * 3);
      const quantity = Math.max(1, Math.floor(reachable(side, sweep) * (0.3 + next())));
      const through = Math.floor(next() * 3);
      const limit = side === SIDE_BUY ? bestAsk() + through : bestBid() - through;
      if (kind < 0.2) recorder.submit(nextId++, side, ORDER_TYPE_MARKET, TIF_IOC, 0, quantity);
      else if (kind < 0.35) recorder.submit(nextId++, side, ORDER_TYPE_LIMIT, TIF_FOK, limit, quantity);
      else if (kind < 0.75) recorder.submit(nextId++, side, ORDER_TYPE_LIMIT, TIF_IOC, limit, quantity);
      else recorder.submit(nextId++, side, ORDER_TYPE_LIMIT, TIF_GTC, limit, quantity);
    }
  }
  return recorder.finish('synthetic');
}
