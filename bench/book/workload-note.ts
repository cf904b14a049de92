// The note that says what one pass of the book bench applies.
import { ADD, type BookOps, CANCEL, EXECUTE, REDUCE, REPLACE } from './book-ops.ts';
import type { BookWorkload } from './book-ops.ts';

export function workloadNote(workload: BookWorkload): string {
  const { seed, stream, leftoverIds, messages, unchangedMessages, learnedOperations } = workload;
  return (
    `workload: ${messages} LOBSTER messages (AAPL 2012-06-21, the sample in ../shared/data/lobster) → ${stream.length} book operations a pass ` +
    `(${count(stream, ADD)} adds, ${count(stream, REDUCE)} partial cancels, ${count(stream, CANCEL)} deletes, ${count(stream, EXECUTE)} executions, ` +
    `${count(stream, REPLACE)} replaces), as LobsterReplay applies them: pre-existing orders resolved to their seed orders, and ${learnedOperations} ` +
    `operations for levels coming into view in the orderbook file's 10th level; ${unchangedMessages} messages (types 5, 6, 7) leave the book unchanged and are not in the stream. Each pass, untimed: the ` +
    `${leftoverIds.length} orders the previous pass left are cancelled and the ${seed.length} seed orders (one per level of orderbook row 0) added`
  );
}

function count(ops: BookOps, kind: number): number {
  let found = 0;
  for (let index = 0; index < ops.length; index++) if (ops.kinds[index] === kind) found++;
  return found;
}
