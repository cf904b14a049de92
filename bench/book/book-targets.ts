// The book bench's targets (issue #5), checked on the marketfeed rows. A miss is reported,
// never fatal: figures on a shared 2-core VM vary between runs.
import type { ResultRow, TargetResult } from '../lib/bench-report.ts';
import { formatNs, formatRatio } from '../lib/table-printer.ts';
import { atLeast, atMost } from '../lib/targets.ts';
import { ALLOCATION_CASE, LATENCY_CASE, THROUGHPUT_CASE } from './book-cases.ts';

/**
 * Allocating anything per operation costs at least one 16-byte object: 0.05 B is one per 320
 * operations. Below it the bytes are the run's own fixed few tens of kB (heap-allocation.ts).
 */
const ZERO_BYTES_PER_OPERATION = 0.05;

export function checkBookTargets(rows: readonly ResultRow[], baseline: string): TargetResult[] {
  const ours = (caseName: string): ResultRow | undefined => rows.find((row) => row.case === caseName && row.impl === 'marketfeed');
  const figure = (caseName: string, key: string): number | undefined => {
    const value = ours(caseName)?.[key];
    return typeof value === 'number' ? value : undefined;
  };
  const count = (value: number): string => value.toLocaleString('en-US');
  return [
    atMost('median update < 100 ns (clock read included)', ours(LATENCY_CASE)?.p50_ns, 99, formatNs),
    atMost('p99 update < 1 µs (clock read included)', ours(LATENCY_CASE)?.p99_ns, 999, formatNs),
    atLeast(`≥ 3× ${baseline} throughput`, ours(THROUGHPUT_CASE)?.[`ratio_vs_${baseline}`], 3, formatRatio),
    atMost('no garbage collection during the allocation run', figure(ALLOCATION_CASE, 'gc_count'), 0, count),
    atMost(`heap allocation < ${ZERO_BYTES_PER_OPERATION} byte per operation`, figure(ALLOCATION_CASE, 'heap_bytes_per_msg'), ZERO_BYTES_PER_OPERATION, (value) => `${value} B`),
  ];
}
