// The shm bench's targets, checked on the cross-process (marketfeed) rows. A miss is
// reported, never fatal: figures on a shared 2-core VM vary up to 2.5× between runs.
import type { ResultRow, TargetResult } from '../lib/bench-report.ts';
import { formatNs, formatRate, formatRatio } from '../lib/table-printer.ts';
import { atLeast, atMost } from '../lib/targets.ts';

export function checkShmTargets(rows: readonly ResultRow[], baseline: string): TargetResult[] {
  const ours = (caseName: string): ResultRow | undefined => rows.find((row) => row.case === caseName && row.impl === 'marketfeed');
  const perSecond = (value: number): string => `${formatRate(value)}/s`;
  return [
    atLeast('≥ 10 M/s per record, cross-process', ours('throughput-per-record')?.msgs_per_s, 10e6, perSecond),
    atLeast('≥ 18 M/s batched, cross-process', ours('throughput-batched')?.msgs_per_s, 18e6, perSecond),
    atMost('p50 ≤ 0.5 µs at 100k/s, cross-process', ours('latency-100k')?.p50_ns, 500, formatNs),
    atLeast(`≥ 20× ${baseline} throughput, per record`, ours('throughput-per-record')?.[`ratio_vs_${baseline}`], 20, formatRatio),
    atLeast(`≥ 20× ${baseline} throughput, batched`, ours('throughput-batched')?.[`ratio_vs_${baseline}`], 20, formatRatio),
  ];
}
