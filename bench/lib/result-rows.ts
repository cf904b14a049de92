// Building result rows the same way for every impl, and the ratios against a baseline.
import type { LatencySummary } from '../../runtime/stats/latency-recorder.ts';
import type { ResultRow } from './bench-report.ts';

/** What a receiving side measured; every field but `received` may be missing. */
export interface ReceiveResult {
  received: number;
  msgsPerS?: number;
  latency?: LatencySummary;
  lost?: number;
  /** Times the sender dropped the receiver as too slow and it reconnected (the relay bench's direct receiver). */
  reconnects?: number;
}

export function resultRow(caseName: string, impl: string, result: ReceiveResult): ResultRow {
  const row: ResultRow = { case: caseName, impl };
  if (result.msgsPerS !== undefined) row.msgs_per_s = Math.round(result.msgsPerS);
  const latency = result.latency;
  if (latency !== undefined && latency.count > 0) {
    // HdrHistogram gives a percentile as its bucket's upper bound, which can pass the exact max.
    const max = latency.max_ns;
    row.p50_ns = Math.min(latency.p50_ns, max);
    row.p99_ns = Math.min(latency.p99_ns, max);
    row.p999_ns = Math.min(latency.p999_ns, max);
    row.max_ns = max;
  }
  if (result.lost !== undefined) row.lost = result.lost;
  return row;
}

/**
 * Adds to each row of a case its ratio against the baseline row of the same case: for
 * latency cases (the baseline has a p50) baseline p50 ÷ row p50, as p50_speedup_vs_X;
 * otherwise row msgs/s ÷ baseline msgs/s, as ratio_vs_X. Rows without the figure get none.
 */
export function addBaselineRatios(rows: ResultRow[], baseline: string): void {
  for (const row of rows) {
    const base = rows.find((candidate) => candidate.case === row.case && candidate.impl === baseline);
    if (base === undefined) continue;
    if (base.p50_ns !== undefined) {
      if (row.p50_ns !== undefined && row.p50_ns > 0) row[`p50_speedup_vs_${baseline}`] = round2(base.p50_ns / row.p50_ns);
    } else if (base.msgs_per_s !== undefined && base.msgs_per_s > 0 && row.msgs_per_s !== undefined) {
      row[`ratio_vs_${baseline}`] = round2(row.msgs_per_s / base.msgs_per_s);
    }
  }
}

/** The ratio addBaselineRatios gave a row, whichever kind it is. */
export function baselineRatio(row: ResultRow, baseline: string): number | undefined {
  return row[`ratio_vs_${baseline}`] ?? row[`p50_speedup_vs_${baseline}`];
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
