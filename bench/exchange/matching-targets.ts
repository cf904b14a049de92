// The matching case's targets (issue #12), checked on each flow's marketfeed row. A miss is
// reported, never fatal: figures on a shared 2-core VM vary between runs.
import type { ResultRow, TargetResult } from '../lib/bench-report.ts';
import { formatNs, formatRate, formatRatio } from '../lib/table-printer.ts';
import { atLeast, atMost } from '../lib/targets.ts';

/** Below this many marginal heap bytes per order the engine allocates nothing (one 16-byte object every 32 orders is 0.5 B). */
const ZERO_BYTES_PER_ORDER = 0.5;

export function checkMatchingTargets(rows: readonly ResultRow[], caseName: string, peer: string): TargetResult[] {
  const ours = rows.find((row) => row.case === caseName && row.impl === 'marketfeed');
  const bytes = ours?.heap_bytes_per_msg;
  return [
    atLeast(`${caseName}: ≥ 5 M orders/s`, ours?.msgs_per_s, 5e6, formatRate),
    atMost(`${caseName}: p50 per order ≤ 200 ns (clock read included)`, ours?.p50_ns, 200, formatNs),
    atLeast(`${caseName}: ≥ 10× ${peer} orders/s`, ours?.[`ratio_vs_${peer}`], 10, formatRatio),
    atMost(`${caseName}: heap allocation < ${ZERO_BYTES_PER_ORDER} byte per order (2N − N passes)`, typeof bytes === 'number' ? bytes : undefined, ZERO_BYTES_PER_ORDER - 1e-9, (value) => `${value} B`),
  ];
}
