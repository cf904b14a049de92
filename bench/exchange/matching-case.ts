// The exchange bench's matching cases: the same orders submitted to our MatchingEngine and
// to hft-limit-order-book's own matching in the same run, checked to trade alike command by
// command (matching-check.ts), then measured as the book bench measures a book:
//   orders/s: stream passes in a tight loop, a clock read before and after each pass, less
//     the time the thread waited for a CPU inside the passes (the OS running other processes
//     on a shared machine; bench/lib/runqueue-wait.ts); the wall-clock rate beside it;
//   p50…max per order: each command timed on its own with monotonicNs (HDR histogram), and
//     the longest once its wait for a CPU is taken out;
//   heap bytes per order: a run of 2N passes minus a run of N, no clock (fixed cost cancels).
// Two flows: `matching`, a seeded synthetic flow (passive adds, cancels, replaces, aggressive
// orders sweeping levels), and `matching-lobster`, the LOBSTER AAPL sample's flow as orders.
import type { BenchOptions, ResultRow } from '../lib/bench-report.ts';
import { smokeOrFullTimes } from '../lib/load-spec.ts';
import { addBaselineRatios, resultRow } from '../lib/result-rows.ts';
import { reportedBytesPerUnit } from '../lib/heap-allocation.ts';
import { machineNotes } from '../lib/run-notes.ts';
import { cpuBusyShare } from '../../runtime/cpu/cpu-load.ts';
import { LatencyRecorder, initLatencyRecording } from '../../runtime/stats/latency-recorder.ts';
import { inRounds, marginalAllocationOfPasses, runPasses, timeEmptyIntervals, timeOperations, warmUp } from '../book/book-measure.ts';
import type { CaseReport } from './exchange-case.ts';
import type { MatchingFlow } from './matching-commands.ts';
import { matchingDifferences } from './matching-check.ts';
import { type MatchingDriver, MarketfeedMatchingDriver, PEER_IMPL, PeerMatchingDriver } from './matching-drivers.ts';
import { lobsterFlow } from './matching-lobster-flow.ts';
import { syntheticFlow } from './matching-synthetic-flow.ts';
import { checkMatchingTargets } from './matching-targets.ts';
import { waitClockAvailable } from '../lib/runqueue-wait.ts';

export const MATCHING_CASE = 'matching';
export const MATCHING_LOBSTER_CASE = 'matching-lobster';

const SYNTHETIC_COMMANDS = 20_000;
const QUICK_SYNTHETIC_COMMANDS = 4_000;
/** Length of one turn of an engine in the throughput and latency measurements. */
const ROUND_S = 0.25;
/** Passes of the allocation run's warm-up (as N and 2N). */
const WARMUP_ALLOCATION_PASSES = 2;

export async function runCase(options: BenchOptions): Promise<CaseReport> {
  const busyBefore = await cpuBusyShare();
  await initLatencyRecording();
  const synthetic = syntheticFlow(options.quick ? QUICK_SYNTHETIC_COMMANDS : SYNTHETIC_COMMANDS);
  const lobster = lobsterFlow();
  const rows: ResultRow[] = [];
  const errors: string[] = [];
  const volumes: number[] = [];
  for (const [caseName, flow] of [[MATCHING_CASE, synthetic], [MATCHING_LOBSTER_CASE, lobster]] as const) {
    const measured = measureFlow(caseName, flow, options.quick);
    rows.push(...measured.rows);
    errors.push(...measured.differences);
    volumes.push(measured.volume);
  }
  const { warmupS, durationS } = times(options.quick);
  const mix = (flow: MatchingFlow, volume: number): string =>
    `${flow.stream.length.toLocaleString('en-US')} commands a pass (${flow.mix.passive} passive adds, ${flow.mix.aggressive} aggressive orders, ${flow.mix.cancels} cancels, ` +
    `${flow.mix.replaces} replaces; ${flow.mix.trades} fills, ${volume.toLocaleString('en-US')} lots traded), after a seed of ${flow.seed.length} orders`;
  const notes = [
    `${MATCHING_CASE}: a seeded synthetic flow (bench/exchange/matching-synthetic-flow.ts): ${mix(synthetic, volumes[0])}. Passive adds a geometric distance (mean 3 ticks) behind the touch; ` +
      'aggressive orders: market, IOC and FOK limits up to 2 ticks through the touch for 0.3–1.3× the quantity of the best 1–3 levels, and marketable GTC limits that trade and rest',
    `${MATCHING_LOBSTER_CASE}: the LOBSTER AAPL sample as orders: ${mix(lobster, volumes[1])}; adds → GTC limits, deletes → cancels, executions → IOC limits at the order's price, ` +
      `partial cancels → replaces where the order is last in its queue, else cancel + new order; ${lobster.skipped} operations on orders already gone skipped`,
    `both engines trade the same quantity on every command and leave the same book (checked every run). ${PEER_IMPL}: limit({ id, side, size, price, timeInForce }), market({ side, size }), ` +
      'cancel(id), modify(id, { price, size }) for replaces (it cancels and re-adds, so the flows keep priority only where both semantics agree); string ids built before the run. ' +
      'marketfeed: MatchingEngine.submit/cancel/replace with numeric ids and an event sink that counts fills',
    `each row: ${warmupS} s warm-up, then ${durationS} s measured in turns of ${ROUND_S} s alternating between the engines. orders/s (msgs_per_s) = stream commands ÷ ` +
      '(time inside the timed passes − the time this thread waited in them for a CPU while the OS ran other processes: /proc/thread-self/schedstat run_delay, read before and after each pass); ' +
      `cpu_wait_pct = that wait's share of the pass time; wall_msgs_per_s = stream commands ÷ time inside the passes, wait included${waitClockAvailable() ? '' : ' (no schedstat on this machine: nothing is subtracted)'}. ` +
      'A command is a submit, cancel or replace. best_pass_msgs_per_s = the fastest single pass (wall clock). p50…max = one command between two monotonicNs() reads (wait included), ' +
      "clock_p50_ns beside it (not subtracted); max_less_wait_ns = the longest command once the pass's wait for a CPU is taken out of its longest commands (a wait lengthens the one command it falls in by milliseconds)",
    'heap_bytes_per_msg: a run of N passes and one of 2N, each after a full GC, V8 heap used after − before + bytes freed by collections during it; (2N − N) ÷ the commands of N passes ' +
      "(seed and stream); the run's fixed cost cancels. gc_count is the 2N run's, shown, not judged",
    ...machineNotes(busyBefore).filter((line) => line.startsWith('other processes')),
  ];
  return {
    rows,
    caseTitles: {
      [MATCHING_CASE]: 'synthetic order flow: our MatchingEngine vs hft-limit-order-book on the same orders (orders/s, per-order latency, heap bytes per order)',
      [MATCHING_LOBSTER_CASE]: 'the LOBSTER AAPL sample submitted as orders, same measurements',
    },
    notes,
    targets: [...checkMatchingTargets(rows, MATCHING_CASE, PEER_IMPL), ...checkMatchingTargets(rows, MATCHING_LOBSTER_CASE, PEER_IMPL)],
    errors,
  };
}

// A --quick run is CI's smoke test, which must stay within a few seconds for both flows.
const times = smokeOrFullTimes;

function measureFlow(caseName: string, flow: MatchingFlow, quick: boolean): { rows: ResultRow[]; differences: string[]; volume: number } {
  const ours = new MarketfeedMatchingDriver(flow);
  const peer = new PeerMatchingDriver(flow);
  const drivers: MatchingDriver[] = [ours, peer];
  const { differences, volume } = matchingDifferences(ours, peer, flow);
  const { warmupS, durationS } = times(quick);
  const streamLength = flow.stream.length;
  warmUp(drivers, streamLength, warmupS, WARMUP_ALLOCATION_PASSES);

  const throughput = drivers.map(() => ({ operations: 0, timedNs: 0, waitNs: 0, fastestPassNs: Number.POSITIVE_INFINITY }));
  inRounds(drivers, durationS, ROUND_S, (driver, index, seconds) => {
    const { operations, timedNs, waitNs, fastestPassNs } = runPasses(driver, streamLength, seconds);
    throughput[index].operations += operations;
    throughput[index].timedNs += timedNs;
    throughput[index].waitNs += waitNs;
    throughput[index].fastestPassNs = Math.min(throughput[index].fastestPassNs, fastestPassNs);
  });
  // The engines' own speed: time inside the passes less the time the OS ran something else.
  const rates = throughput.map(({ operations, timedNs, waitNs }) => operations / ((timedNs - waitNs) / 1e9));

  const clock = new LatencyRecorder();
  timeEmptyIntervals(streamLength, durationS / 2, clock);
  const clockP50 = clock.totalSummary().p50_ns;
  clock.destroy();
  const recorders = drivers.map(() => new LatencyRecorder());
  const maxLessWait = drivers.map(() => 0);
  inRounds(drivers, durationS, ROUND_S, (driver, index, seconds) => {
    maxLessWait[index] = Math.max(maxLessWait[index], timeOperations(driver, streamLength, seconds, recorders[index]).maxLessWaitNs);
  });

  const commandsPerPass = flow.seed.length + streamLength;
  const rows = drivers.map((driver, index): ResultRow => {
    const latency = recorders[index].totalSummary();
    recorders[index].destroy();
    // N passes and 2N: together about durationS at the throughput rate.
    const passes = Math.max(2, Math.round((rates[index] * durationS) / 3 / streamLength));
    const { bytesPerUnit, double } = marginalAllocationOfPasses(driver, passes);
    return {
      ...resultRow(caseName, driver.impl, { received: throughput[index].operations, msgsPerS: rates[index], latency }),
      wall_msgs_per_s: Math.round(throughput[index].operations / (throughput[index].timedNs / 1e9)),
      cpu_wait_pct: Math.round((throughput[index].waitNs / throughput[index].timedNs) * 1000) / 10,
      best_pass_msgs_per_s: Math.round(streamLength / (throughput[index].fastestPassNs / 1e9)),
      max_less_wait_ns: Math.round(maxLessWait[index]),
      clock_p50_ns: clockP50,
      heap_bytes_per_msg: reportedBytesPerUnit(bytesPerUnit / commandsPerPass),
      marginal_msgs: passes * commandsPerPass,
      gc_count: double.gcCount,
    };
  });
  addBaselineRatios(rows, PEER_IMPL);
  // addBaselineRatios gives rows with a p50 the latency ratio; the throughput ratio too.
  const peerRate = rows[1].msgs_per_s;
  for (const row of rows) if (row.msgs_per_s !== undefined && peerRate !== undefined) row[`ratio_vs_${PEER_IMPL}`] = Math.round((row.msgs_per_s / peerRate) * 100) / 100;
  return { rows, differences, volume };
}
