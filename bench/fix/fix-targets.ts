// The fix bench's targets (issue #5), checked on the marketfeed rows. A miss is reported,
// never fatal: figures on a shared 2-core VM vary up to 2.5× between runs.
import type { ResultRow, TargetResult } from '../lib/bench-report.ts';
import { formatNs, formatRate, formatRatio } from '../lib/table-printer.ts';
import { atLeast, atMost } from '../lib/targets.ts';
import { FIX_CASES } from './fix-cases.ts';

/**
 * Marginal heap bytes per message (heap_bytes_per_msg: 2N − N messages, ÷ N) below which a
 * loop allocates nothing: one 16-byte object every 32 messages is 0.5 B and misses.
 */
export const NOTHING_PER_MESSAGE = 0.5;

export function checkFixTargets(rows: readonly ResultRow[], baseline: string): TargetResult[] {
  const ours = (caseName: string): ResultRow | undefined => rows.find((row) => row.case === caseName && row.impl === 'marketfeed');
  return [
    // HdrHistogram values are whole nanoseconds: ≤ 499 is under 500.
    atMost('NewOrderSingle median parse + validate < 500 ns (clock pair included)', ours('new-order-single-parse')?.p50_ns, 499, formatNs),
    atLeast(`NewOrderSingle parse + validate ≥ 5× ${baseline} throughput`, ours('new-order-single-parse')?.[`ratio_vs_${baseline}`], 5, formatRatio),
    atLeast(`NewOrderSingle parse + validate + handler reads ≥ 5× ${baseline} throughput`, ours('new-order-single')?.[`ratio_vs_${baseline}`], 5, formatRatio),
    // Every case whose handler reads no string must allocate nothing per message.
    ...FIX_CASES.filter((fixCase) => !fixCase.readsStrings).map((fixCase) => allocatesNothing(fixCase.name, ours(fixCase.name))),
  ];
}

/** Judged on the marginal bytes only; the throughput turns' collections are shown, not judged. */
function allocatesNothing(caseName: string, row: ResultRow | undefined): TargetResult {
  const description = `${caseName} allocates nothing per message: < ${NOTHING_PER_MESSAGE} heap byte per message (2N − N messages)`;
  const bytes = row?.heap_bytes_per_msg;
  const units = row?.marginal_msgs;
  if (typeof bytes !== 'number' || typeof units !== 'number') return { description, measured: 'not measured', met: false };
  const collections = typeof row?.gc_count === 'number' ? `; ${row.gc_count} GCs in the throughput turns` : '';
  return {
    description,
    measured: `${bytes} B/msg over N = ${formatRate(units)} messages${collections}`,
    met: bytes < NOTHING_PER_MESSAGE,
  };
}
