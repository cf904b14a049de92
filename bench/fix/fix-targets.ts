// The fix bench's targets (issue #5), checked on the marketfeed rows. A miss is reported,
// never fatal: figures on a shared 2-core VM vary up to 2.5× between runs.
import type { ResultRow, TargetResult } from '../lib/bench-report.ts';
import { formatNs, formatRate, formatRatio } from '../lib/table-printer.ts';
import { atLeast, atMost } from '../lib/targets.ts';

/** Heap bytes per message below which a loop counts as allocating nothing (the probe's own fixed cost, spread). */
const NOTHING_PER_MESSAGE = 1;

export function checkFixTargets(rows: readonly ResultRow[], baseline: string): TargetResult[] {
  const ours = (caseName: string): ResultRow | undefined => rows.find((row) => row.case === caseName && row.impl === 'marketfeed');
  return [
    // HdrHistogram values are whole nanoseconds: ≤ 499 is under 500.
    atMost('NewOrderSingle median parse + validate < 500 ns (clock pair included)', ours('new-order-single-parse')?.p50_ns, 499, formatNs),
    atLeast(`NewOrderSingle parse + validate ≥ 5× ${baseline} throughput`, ours('new-order-single-parse')?.[`ratio_vs_${baseline}`], 5, formatRatio),
    atLeast(`NewOrderSingle parse + validate + handler reads ≥ 5× ${baseline} throughput`, ours('new-order-single')?.[`ratio_vs_${baseline}`], 5, formatRatio),
    allocatesNothing('NewOrderSingle parse + validate', ours('new-order-single-parse')),
    noCollection(ours('steady-state-allocation')),
  ];
}

function allocatesNothing(what: string, row: ResultRow | undefined): TargetResult {
  const description = `${what} allocates nothing per message: 0 GCs and < 1 heap byte per message`;
  const gcs = row?.gc_count;
  const bytes = row?.heap_bytes_per_msg;
  const messages = row?.counted_msgs;
  if (typeof gcs !== 'number' || typeof bytes !== 'number' || typeof messages !== 'number') return { description, measured: 'not measured', met: false };
  return {
    description,
    measured: `${gcs} GCs, ${bytes} B/msg over ${formatRate(messages)} messages`,
    met: gcs === 0 && bytes < NOTHING_PER_MESSAGE,
  };
}

/**
 * The mixed loop with typed reads: no collection. Its bytes are reported, not judged: a
 * double returned by an accessor that V8 chose not to inline is boxed by V8 (16 B), which
 * varies with the JIT's inlining budget from run to run, not with our code.
 */
function noCollection(row: ResultRow | undefined): TargetResult {
  const description = 'three message types with typed reads, long loop: no garbage collection';
  const gcs = row?.gc_count;
  const messages = row?.counted_msgs;
  if (typeof gcs !== 'number' || typeof messages !== 'number') return { description, measured: 'not measured', met: false };
  return { description, measured: `${gcs} GCs over ${formatRate(messages)} messages (${String(row?.heap_bytes_per_msg)} B/msg)`, met: gcs === 0 };
}
