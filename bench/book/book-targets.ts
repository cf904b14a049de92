// The book bench's targets (issue #5), checked on the marketfeed rows. A miss is reported,
// never fatal: figures on a shared 2-core VM vary between runs.
import type { ResultRow, TargetResult } from '../lib/bench-report.ts';
import { formatNs, formatRate, formatRatio } from '../lib/table-printer.ts';
import { atLeast, atMost } from '../lib/targets.ts';
import { ALLOCATION_CASE, LATENCY_CASE, THROUGHPUT_CASE } from './book-cases.ts';

/**
 * Marginal heap bytes per operation (heap_bytes_per_msg: 2N − N passes, the run's fixed cost
 * cancelled) below which the book allocates nothing: one 16-byte object every 32 operations
 * is 0.5 B and misses.
 */
const ZERO_BYTES_PER_OPERATION = 0.5;

export function checkBookTargets(rows: readonly ResultRow[], baseline: string): TargetResult[] {
  const ours = (caseName: string): ResultRow | undefined => rows.find((row) => row.case === caseName && row.impl === 'marketfeed');
  const figure = (caseName: string, key: string): number | undefined => {
    const value = ours(caseName)?.[key];
    return typeof value === 'number' ? value : undefined;
  };
  return [
    atMost('median update < 100 ns (clock read included)', ours(LATENCY_CASE)?.p50_ns, 99, formatNs),
    atMost('p99 update < 1 µs (clock read included)', ours(LATENCY_CASE)?.p99_ns, 999, formatNs),
    atLeast(`≥ 3× ${baseline} throughput`, ours(THROUGHPUT_CASE)?.[`ratio_vs_${baseline}`], 3, formatRatio),
    allocatesNothing(figure(ALLOCATION_CASE, 'heap_bytes_per_msg'), figure(ALLOCATION_CASE, 'marginal_msgs'), figure(ALLOCATION_CASE, 'gc_count')),
  ];
}

/** Judged on the marginal bytes only; the allocation run's collections are shown, not judged. */
function allocatesNothing(bytes: number | undefined, operations: number | undefined, collections: number | undefined): TargetResult {
  const description = `heap allocation < ${ZERO_BYTES_PER_OPERATION} byte per operation (2N − N passes)`;
  if (bytes === undefined || operations === undefined) return { description, measured: 'not measured', met: false };
  const gcs = collections === undefined ? '' : `; ${collections} GCs in the 2N run`;
  return { description, measured: `${bytes} B over N = ${formatRate(operations)} operations${gcs}`, met: bytes < ZERO_BYTES_PER_OPERATION };
}
