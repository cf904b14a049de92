// The trading bench's `risk-check` case (issue 13): the full pre-trade check set per order,
// PreTradeRisk beside the obvious way (objects in Maps, string ClOrdIDs in a Set) on the same
// order stream, measured as the book and matching benches measure (book-measure.ts): orders/s
// less the CPU wait, per-check p50…max with monotonicNs around each check, heap bytes per
// check as the marginal figure of 2N − N passes. Both ways give the same reason codes order by
// order (checked every run: a difference is an error). The runner is bench/trading's (not here).
import type { BenchOptions, ResultRow, TargetResult } from '../lib/bench-report.ts';
import { smokeOrFullTimes } from '../lib/load-spec.ts';
import { reportedBytesPerUnit } from '../lib/heap-allocation.ts';
import { addBaselineRatios, resultRow } from '../lib/result-rows.ts';
import { formatNs } from '../lib/table-printer.ts';
import { atMost } from '../lib/targets.ts';
import { LatencyRecorder, initLatencyRecording } from '../../runtime/stats/latency-recorder.ts';
import { inRounds, marginalAllocationOfPasses, runPasses, timeOperations, warmUp } from '../book/book-measure.ts';
import { MarketfeedRiskDriver, OBVIOUS_IMPL, ObviousRiskDriver, type RiskCheckDriver, orderStream } from './risk-check-drivers.ts';

export const RISK_CHECK_CASE = 'risk-check';
const STREAM_LENGTH = 20_000;
const ROUND_S = 0.25;

export interface RiskCheckCase {
  rows: ResultRow[];
  caseTitle: string;
  notes: string[];
  targets: TargetResult[];
  errors: string[];
}

/** Order indexes where the two ways decided differently after one pass from the same start (empty when they agree). */
export function riskCheckDifferences(ours: RiskCheckDriver, obvious: RiskCheckDriver): number[] {
  for (const driver of [ours, obvious]) {
    driver.prepare();
    driver.applyStream();
  }
  const differences: number[] = [];
  for (let i = 0; i < ours.reasons.length; i++) if (ours.reasons[i] !== obvious.reasons[i]) differences.push(i);
  return differences;
}

export async function runRiskCheckCase(options: BenchOptions): Promise<RiskCheckCase> {
  await initLatencyRecording();
  const stream = orderStream(options.quick ? 4_000 : STREAM_LENGTH);
  const drivers: RiskCheckDriver[] = [new MarketfeedRiskDriver(stream), new ObviousRiskDriver(stream)];
  const differences = riskCheckDifferences(drivers[0], drivers[1]);
  const errors = differences.length === 0 ? [] : [`${RISK_CHECK_CASE}: the two ways decided ${differences.length} orders differently (first at order ${differences[0]})`];
  const passes = drivers[0].reasons.reduce((count, reason) => count + (reason === 0 ? 1 : 0), 0);
  const { warmupS, durationS } = smokeOrFullTimes(options.quick);
  warmUp(drivers, stream.length, warmupS, 2);

  const throughput = drivers.map(() => ({ operations: 0, timedNs: 0, waitNs: 0 }));
  inRounds(drivers, durationS, ROUND_S, (driver, index, seconds) => {
    const measured = runPasses(driver, stream.length, seconds);
    throughput[index].operations += measured.operations;
    throughput[index].timedNs += measured.timedNs;
    throughput[index].waitNs += measured.waitNs;
  });
  const recorders = drivers.map(() => new LatencyRecorder());
  inRounds(drivers, durationS, ROUND_S, (driver, index, seconds) => {
    timeOperations(driver, stream.length, seconds, recorders[index]);
  });
  const rows = drivers.map((driver, index): ResultRow => {
    const { operations, timedNs, waitNs } = throughput[index];
    const rate = operations / ((timedNs - waitNs) / 1e9);
    const latency = recorders[index].totalSummary();
    recorders[index].destroy();
    const allocationPasses = Math.max(2, Math.round((rate * durationS) / 3 / stream.length));
    const { bytesPerUnit, double } = marginalAllocationOfPasses(driver, allocationPasses);
    return {
      ...resultRow(RISK_CHECK_CASE, driver.impl, { received: operations, msgsPerS: rate, latency }),
      heap_bytes_per_msg: reportedBytesPerUnit(bytesPerUnit / stream.length),
      gc_count: double.gcCount,
    };
  });
  addBaselineRatios(rows, OBVIOUS_IMPL);
  const ours = rows.find((row) => row.impl === 'marketfeed');
  const bytes = ours?.heap_bytes_per_msg;
  return {
    rows,
    caseTitle: `full pre-trade check set per order: PreTradeRisk vs ${OBVIOUS_IMPL} (checks/s, per-check latency, heap bytes per check)`,
    notes: [
      `${RISK_CHECK_CASE}: ${stream.length.toLocaleString('en-US')} orders a pass on 4 instruments (${passes} pass, the rest refused: price band, max order qty, duplicate ClOrdID); ` +
        'every check runs state, instrument, order validity, enabled, qty, notional, price band against a fresh reference, position and gross limits counting open orders, ' +
        'duplicate ClOrdID and two token buckets; positions held still by a typed-array stand-in for the OMS PositionKeeper. msgs_per_s = checks/s less the CPU wait; ' +
        'p50…max = one check between two monotonicNs() reads (clock included); heap_bytes_per_msg = (2N − N passes) ÷ checks',
    ],
    targets: [
      atMost(`${RISK_CHECK_CASE}: p50 per full check ≤ 200 ns (clock read included)`, ours?.p50_ns, 200, formatNs),
      atMost(`${RISK_CHECK_CASE}: heap allocation < 0.5 byte per check (2N − N passes)`, typeof bytes === 'number' ? bytes : undefined, 0.5 - 1e-9, (value) => `${value} B`),
    ],
    errors,
  };
}
