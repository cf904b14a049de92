// The LOBSTER AAPL sample's order flow submitted as orders (the book bench's workload,
// bench/book/lobster-workload.ts, read as messages of other participants):
//   add → a GTC limit order; delete → cancel;
//   execution of `q` against order X → an IOC limit of `q` on the other side at X's price
//     (it trades with the head of X's queue, which is X when our queue order is LOBSTER's);
//   partial cancel, and the replace that tops up a seed order → a replace keeping the id,
//     when the order is last in its queue (where keeping and losing priority agree, and the
//     peer's cancel-and-re-add gives the same book); elsewhere a cancel and a new order of
//     the rest (both engines lose the order's priority alike).
// Ids that the flow has already filled or canceled in our engine are skipped (counted).
import { ORDER_TYPE_LIMIT, SIDE_BUY, SIDE_SELL, TIF_GTC, TIF_IOC } from '../../runtime/matching/matching-events.ts';
import { ADD, BUY, type BookOps, CANCEL, EXECUTE, REDUCE, REPLACE } from '../book/book-ops.ts';
import { loadLobsterWorkload } from '../book/lobster-workload.ts';
import { FlowRecorder, type MatchingFlow } from './matching-commands.ts';

/**
 * New ids (an execution's aggressor, a re-added rest, a seed order) start above the sample's
 * order ids (up to 18,259,338) and stay below 2^30, as an exchange's own order ids would:
 * V8 passes such integers unboxed; a larger id costs a 16-byte heap number per call it is
 * passed through where that call is not inlined.
 */
const FIRST_OWN_ID = 100_000_000;

export interface LobsterFlow extends MatchingFlow {
  /** LOBSTER operations whose order our engine no longer had (filled or canceled by an earlier difference). */
  skipped: number;
}

export function lobsterFlow(): LobsterFlow {
  const workload = loadLobsterWorkload();
  const recorder = new FlowRecorder();
  const current = new Map<number, number>();
  let nextId = FIRST_OWN_ID;
  let skipped = 0;

  const convert = (ops: BookOps): void => {
    for (let index = 0; index < ops.length; index++) {
      const lobsterId = ops.ids[index];
      const side = ops.sides[index] === BUY ? SIDE_BUY : SIDE_SELL;
      const price = ops.prices[index];
      const quantity = ops.quantities[index];
      if (ops.kinds[index] === ADD) {
        // The replay's seed orders (synthesized from orderbook row 0) have negative ids; ours are non-negative.
        const id = lobsterId >= 0 ? lobsterId : nextId++;
        current.set(lobsterId, id);
        recorder.submit(id, side, ORDER_TYPE_LIMIT, TIF_GTC, price, quantity);
        continue;
      }
      const id = current.get(lobsterId) ?? lobsterId;
      const leaves = recorder.engine.orderLeaves(id);
      if (leaves === undefined) {
        skipped++;
        continue;
      }
      const restingPrice = recorder.engine.book.orderPrice(id)!;
      switch (ops.kinds[index]) {
        case CANCEL:
          recorder.cancel(id);
          break;
        case EXECUTE:
          recorder.submit(nextId++, side === SIDE_BUY ? SIDE_SELL : SIDE_BUY, ORDER_TYPE_LIMIT, TIF_IOC, restingPrice, Math.min(quantity, leaves));
          break;
        case REDUCE:
        case REPLACE: {
          const newPrice = ops.kinds[index] === REDUCE ? restingPrice : price;
          const newLeaves = ops.kinds[index] === REDUCE ? leaves - quantity : quantity;
          if (newLeaves <= 0) recorder.cancel(id);
          else if (recorder.isLastInQueue(id)) recorder.replace(id, newPrice, newLeaves);
          else {
            recorder.cancel(id);
            current.set(lobsterId, nextId);
            recorder.submit(nextId++, side, ORDER_TYPE_LIMIT, TIF_GTC, newPrice, newLeaves);
          }
          break;
        }
        default:
          throw new Error(`LOBSTER flow: unknown operation kind ${ops.kinds[index]}`);
      }
    }
  };
  convert(workload.seed);
  recorder.endSeed();
  convert(workload.stream);
  return { ...recorder.finish('lobster'), skipped };
}
