// The tcp bench's targets (issue #3), checked on the marketfeed rows. A miss is
// reported, never fatal: figures on a shared 2-core VM vary up to 2.5× between runs.
import type { ResultRow, TargetResult } from '../lib/bench-report.ts';
import { formatNs, formatRate, formatRatio } from '../lib/table-printer.ts';
import { atLeast, atMost } from '../lib/targets.ts';

export function checkTcpTargets(rows: readonly ResultRow[], baseline: string): TargetResult[] {
  const ours = (caseName: string): ResultRow | undefined => rows.find((row) => row.case === caseName && row.impl === 'marketfeed');
  const perSecond = (value: number): string => `${formatRate(value)}/s`;
  return [
    atLeast('binary ≥ 5 M records/s flat out', ours('throughput-binary')?.msgs_per_s, 5e6, perSecond),
    atLeast(`binary ≥ 20× ${baseline} flat out`, ours('throughput-binary')?.[`ratio_vs_${baseline}`], 20, formatRatio),
    atLeast('NDJSON ≥ 0.7 M records/s flat out', ours('throughput-ndjson')?.msgs_per_s, 0.7e6, perSecond),
    atMost('binary p50 ≤ 40 µs paced at 100k/s', ours('latency-100k-binary')?.p50_ns, 40_000, formatNs),
  ];
}
