// The notes that say what one pass of the book bench applies, and how small and repetitive
// that workload is.
import { ADD, type BookOps, CANCEL, EXECUTE, REDUCE, REPLACE } from './book-ops.ts';
import type { BookWorkload } from './book-ops.ts';
import type { LobsterWorkload } from './lobster-workload.ts';

export function workloadNote(workload: LobsterWorkload): string {
  const { seed, stream, leftoverIds, messages, unchangedMessages, learnedOperations, source } = workload;
  return (
    `workload: ${messages} LOBSTER messages (AAPL 2012-06-21, the sample in ${source}) → ${stream.length} book operations a pass ` +
    `(${count(stream, ADD)} adds, ${count(stream, REDUCE)} partial cancels, ${count(stream, CANCEL)} deletes, ${count(stream, EXECUTE)} executions, ` +
    `${count(stream, REPLACE)} replaces), as LobsterReplay applies them: pre-existing orders resolved to their seed orders, and ${learnedOperations} ` +
    `operations for levels coming into view in the orderbook file's 10th level; ${unchangedMessages} messages (types 5, 6, 7) leave the book unchanged and are not in the stream. Each pass, untimed: the ` +
    `${leftoverIds.length} orders the previous pass left are cancelled and the ${seed.length} seed orders (one per level of orderbook row 0) added`
  );
}

/** What the repetition means for the figures: the same small book, the same ids, every pass. */
export function workloadScaleNote(workload: BookWorkload): string {
  const { ids, maxOrders, maxLevels } = workloadScale(workload);
  return (
    `the same ${workload.stream.length} operations are replayed every pass with the same ${ids} order ids: the book holds at most ${maxOrders} orders ` +
    `on ${maxLevels} price levels (both sides), so after the first warm-up pass neither book sees a new id, a new price level or a larger book, and ` +
    "marketfeed's order and level pools never grow; the figures are those of a small, warm book that stays the same size, not of a deep book, " +
    'of growth, or of a day of distinct ids'
  );
}

/** Distinct ids of a pass, and the most orders and price levels resting at any point in it. */
export function workloadScale(workload: BookWorkload): { ids: number; maxOrders: number; maxLevels: number } {
  const resting = new Map<number, string>();
  const ids = new Set<number>();
  let maxOrders = 0;
  let maxLevels = 0;
  const apply = (ops: BookOps): void => {
    for (let index = 0; index < ops.length; index++) {
      const id = ops.ids[index];
      const level = `${ops.sides[index]}:${ops.prices[index]}`;
      ids.add(id);
      const kind = ops.kinds[index];
      if (kind === ADD || kind === REPLACE) resting.set(id, level);
      else if (kind === CANCEL || ops.remaining[index] === 0) resting.delete(id);
      maxOrders = Math.max(maxOrders, resting.size);
      maxLevels = Math.max(maxLevels, new Set(resting.values()).size);
    }
  };
  apply(workload.seed);
  apply(workload.stream);
  return { ids: ids.size, maxOrders, maxLevels };
}

function count(ops: BookOps, kind: number): number {
  let found = 0;
  for (let index = 0; index < ops.length; index++) if (ops.kinds[index] === kind) found++;
  return found;
}
