// Bench case `journal-append` (the runner, bench/trading, calls it): the cost of journaling one
// order on the trader's hot path. marketfeed: JournalAppender.appendOrder into a backpressure
// ring (the writer's draining is another thread's work and is done here between timed batches,
// untimed). Baseline, the obvious way: JSON.stringify of the same fields and a write to an
// append stream (fs.createWriteStream, flags 'a'), its 'drain' awaited between batches.
// A single append (tens of ns) is below the clock's own cost (~40 ns a read), so each sample
// is the mean of a batch of 1,024 appends; p50/p99 are over those batch means. Allocation:
// marginal V8 heap bytes per entry (a run of 2N minus a run of N, over N).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { JournalAppender } from '../../runtime/journal/journal-appender.ts';
import { JournalKind } from '../../runtime/journal/journal-entry-layout.ts';
import { GatedReceiver } from '../../runtime/ring/gated-receiver.ts';
import { allocateSharedRing } from '../../runtime/ring/ring-memory.ts';
import type { ResultRow } from '../lib/bench-report.ts';
import { marginalAllocation, reportedBytesPerUnit } from '../lib/heap-allocation.ts';

const BATCH = 1024;

export const JOURNAL_APPEND_CASE = 'journal-append';
export const JOURNAL_APPEND_TITLE = 'journal append: one order entry on the hot path (mean of 1,024-append batches)';

function percentiles(samples: Float64Array, count: number): { p50_ns: number; p99_ns: number } {
  const sorted = samples.slice(0, count).sort();
  return { p50_ns: sorted[Math.floor(count * 0.5)], p99_ns: sorted[Math.min(count - 1, Math.floor(count * 0.99))] };
}

function measureMarketfeed(batches: number): ResultRow {
  const { ring } = allocateSharedRing({ capacity: 4 * BATCH, mode: 'backpressure', consumerSlots: 1 }, 1);
  const appender = new JournalAppender(ring);
  const receiver = new GatedReceiver(ring);
  const skip = (): void => {};
  let counter = 0;
  const appendBatch = (): void => {
    for (let i = 0; i < BATCH; i++) {
      counter++;
      appender.eventTime[0] = 1e12 + counter;
      if (!appender.appendOrder(JournalKind.orderSent, counter & 63, 1 + (counter & 1), counter, 10_000 + (counter & 255), 100, 0)) throw new Error('journal ring full inside a batch');
    }
  };
  const run = (units: number): void => {
    for (let done = 0; done < units; done += BATCH) {
      appendBatch();
      receiver.poll(skip, BATCH);
    }
  };
  run(200 * BATCH); // warm-up
  const samples = new Float64Array(batches);
  let total = 0;
  for (let b = 0; b < batches; b++) {
    const start = monotonicNs();
    appendBatch();
    const elapsed = monotonicNs() - start;
    receiver.poll(skip, BATCH);
    samples[b] = elapsed / BATCH;
    total += elapsed;
  }
  const bytes = marginalAllocation(run, 50 * BATCH).bytesPerUnit;
  return { case: JOURNAL_APPEND_CASE, impl: 'marketfeed', msgs_per_s: (batches * BATCH) / (total / 1e9), ...percentiles(samples, batches), heap_bytes_per_msg: reportedBytesPerUnit(bytes) };
}

async function measureJsonStream(batches: number): Promise<ResultRow> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-journal-bench-'));
  const stream = fs.createWriteStream(path.join(dir, 'journal.jsonl'), { flags: 'a' });
  let counter = 0;
  let full = false;
  const appendBatch = (): void => {
    for (let i = 0; i < BATCH; i++) {
      counter++;
      const now = 1e12 + counter;
      const entry = { sequence: counter, kind: 'orderSent', monotonicNs: now, wallNs: now, instrument: counter & 63, side: 1 + (counter & 1), orderCounter: counter, price: 10_000 + (counter & 255), quantity: 100 };
      full = !stream.write(`${JSON.stringify(entry)}\n`) || full;
    }
  };
  const settle = async (): Promise<void> => {
    if (full) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
    full = false;
  };
  try {
    for (let w = 0; w < 200; w++) {
      appendBatch();
      await settle();
    }
    const samples = new Float64Array(batches);
    let total = 0;
    for (let b = 0; b < batches; b++) {
      const start = monotonicNs();
      appendBatch();
      const elapsed = monotonicNs() - start;
      await settle();
      samples[b] = elapsed / BATCH;
      total += elapsed;
    }
    return { case: JOURNAL_APPEND_CASE, impl: 'json-append-stream', msgs_per_s: (batches * BATCH) / (total / 1e9), ...percentiles(samples, batches) };
  } finally {
    await new Promise<void>((resolve) => stream.end(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The case's rows: marketfeed and the JSON baseline, measured in the same run (ratios added by the runner). */
export async function journalAppendRows(options: { quick: boolean }): Promise<ResultRow[]> {
  const batches = options.quick ? 200 : 5_000;
  return [measureMarketfeed(batches), await measureJsonStream(batches)];
}
