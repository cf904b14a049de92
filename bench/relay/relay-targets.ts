// The relay bench's targets (issue 11), checked on the relay rows. A miss is reported, never
// fatal: figures on a shared 2-core VM vary severalfold between runs.
import type { ResultRow, TargetResult } from '../lib/bench-report.ts';
import { formatNs, formatRatio } from '../lib/table-printer.ts';
import { atLeast, atMost } from '../lib/targets.ts';
import { RELAY_IMPL, TCP_IMPL } from './relay-cases.ts';

export function checkRelayTargets(rows: readonly ResultRow[]): TargetResult[] {
  const relayed = (caseName: string): ResultRow | undefined => rows.find((row) => row.case === caseName && row.impl === RELAY_IMPL);
  const latency = relayed('latency-100k');
  return [
    atMost('the relay hop adds ≤ 50 µs at p50, paced at 100k/s', typeof latency?.added_p50_ns === 'number' ? latency.added_p50_ns : undefined, 50_000, signedNs),
    atLeast(`the relay path delivers ≥ 0.9× the direct TCP consumer flat out`, relayed('throughput')?.[`ratio_vs_${TCP_IMPL}`], 0.9, formatRatio),
  ];
}

/** A difference of latencies: −1.20 µs, +3.40 µs. */
export function signedNs(ns: number): string {
  return ns < 0 ? `−${formatNs(-ns)}` : `+${formatNs(ns)}`;
}
