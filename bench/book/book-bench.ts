// `npm run bench -- book`: the LOBSTER AAPL sample's book operations applied to our
// LimitOrderBook (marketfeed) and to hft-limit-order-book in the same run: throughput in a
// tight loop, each operation's latency, and the marginal heap allocation per operation
// (a run of 2N passes minus a run of N); then a differential check that both books (and
// LOBSTER) agree on the top levels.
import type { BenchOptions, BenchReport, ResultRow } from '../lib/bench-report.ts';
import { measurementTimes } from '../lib/load-spec.ts';
import { cpuBusyShare } from '../../runtime/cpu/cpu-load.ts';
import { addBaselineRatios, resultRow } from '../lib/result-rows.ts';
import { machineNotes } from '../lib/run-notes.ts';
import { LatencyRecorder } from '../../runtime/stats/latency-recorder.ts';
import type { BookDriver } from './book-driver.ts';
import { ALLOCATION_CASE, BOOK_CASE_TITLES, LATENCY_CASE, THROUGHPUT_CASE } from './book-cases.ts';
import { inRounds, marginalAllocationOfPasses, runPasses, timeEmptyIntervals, timeOperations, warmUp } from './book-measure.ts';
import { checkBookTargets } from './book-targets.ts';
import { reportedBytesPerUnit } from '../lib/heap-allocation.ts';
import { type LobsterWorkload, loadLobsterWorkload } from './lobster-workload.ts';
import { MarketfeedBookDriver } from './marketfeed-driver.ts';
import { PEER_IMPL, PeerBookDriver } from './peer-driver.ts';
import { topLevelDifferences } from './top-level-check.ts';
import { workloadNote, workloadScaleNote } from './workload-note.ts';

/** Passes of the allocation loop's warm-up (run as N and 2N, like the measurement). */
const WARMUP_ALLOCATION_PASSES = 50;
/** N of the marginal allocation is at least this many passes (each ~1,000 operations). */
const MIN_ALLOCATION_PASSES = 20;
/** Length of one turn of a book in the throughput and latency measurements. */
const ROUND_S = 0.25;

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const busyBefore = await cpuBusyShare();
  // Absent data is an error saying how to get it (test/helpers/shared-data.ts), not an empty report.
  const workload = loadLobsterWorkload();
  const ours = new MarketfeedBookDriver(workload);
  const peer = new PeerBookDriver(workload);
  const drivers: BookDriver[] = [ours, peer];
  const { warmupS, durationS } = measurementTimes(options.quick);
  const streamLength = workload.stream.length;

  warmUp(drivers, streamLength, warmupS, WARMUP_ALLOCATION_PASSES);

  const rows: ResultRow[] = [];
  const rates = new Map<string, number>();
  const throughput = drivers.map(() => ({ operations: 0, timedNs: 0 }));
  inRounds(drivers, durationS, ROUND_S, (driver, index, seconds) => {
    const { operations, timedNs } = runPasses(driver, streamLength, seconds);
    throughput[index].operations += operations;
    throughput[index].timedNs += timedNs;
  });
  drivers.forEach((driver, index) => {
    const { operations, timedNs } = throughput[index];
    rates.set(driver.impl, operations / (timedNs / 1e9));
    rows.push(resultRow(THROUGHPUT_CASE, driver.impl, { received: operations, msgsPerS: rates.get(driver.impl) }));
  });

  const clock = await LatencyRecorder.create();
  timeEmptyIntervals(streamLength, durationS / 2, clock);
  const clockP50 = clock.totalSummary().p50_ns;
  clock.destroy();
  const recorders = drivers.map(() => new LatencyRecorder());
  inRounds(drivers, durationS, ROUND_S, (driver, index, seconds) => timeOperations(driver, streamLength, seconds, recorders[index]));
  drivers.forEach((driver, index) => {
    const latency = recorders[index].totalSummary();
    recorders[index].destroy();
    rows.push({ ...resultRow(LATENCY_CASE, driver.impl, { received: latency.count, latency }), clock_p50_ns: clockP50 });
  });

  const operationsPerPass = workload.seed.length + streamLength + workload.leftoverIds.length;
  for (const driver of drivers) {
    // N passes and 2N: together about durationS at the throughput run's rate.
    const passes = Math.max(MIN_ALLOCATION_PASSES, Math.round(((rates.get(driver.impl) ?? 0) * durationS) / 3 / streamLength));
    const { bytesPerUnit, double } = marginalAllocationOfPasses(driver, passes);
    rows.push({
      case: ALLOCATION_CASE,
      impl: driver.impl,
      operations: 2 * passes * operationsPerPass,
      gc_count: double.gcCount,
      heap_bytes: double.bytes,
      heap_bytes_per_msg: reportedBytesPerUnit(bytesPerUnit / operationsPerPass),
      marginal_msgs: passes * operationsPerPass,
    });
  }

  addBaselineRatios(rows, PEER_IMPL);
  const errors = checkBooks(ours, peer, workload);
  const notes = [
    workloadNote(workload),
    workloadScaleNote(workload),
    `${PEER_IMPL} through its public API: add = limit() (GTC; it must rest, never match: ${peer.crossed} matched), partial cancel and partial execution = ` +
      `modify(id, { size: remaining }) (its only way to take quantity off an order; the order goes to the back of its queue), delete and full execution = cancel(id), ` +
      'seed top-up = modify(id, { price, size }); ids are strings built before the run. marketfeed: add/reduce/cancel/execute/replace with numeric ids',
    `each row: ${warmupS} s warm-up, then ${durationS} s measured, in turns of ${ROUND_S} s alternating between the books. msgs/s = stream operations ÷ time inside the timed passes. ` +
      `Per-update p50…max = the interval between two monotonicNs() reads around one operation, so each includes one clock read: ` +
      `clock_p50_ns (${clockP50} ns) is two back-to-back reads measured in this run; it is not subtracted`,
    `allocation, no clock: a run of N passes and a run of 2N (N ≈ a third of ${durationS} s at the book's throughput rate, at least ${MIN_ALLOCATION_PASSES}), ` +
      'each after a forced full GC, each measured as V8 heap used after − before + bytes freed by every collection during it (v8.GCProfiler); ' +
      `heap_bytes_per_msg = (bytes of the 2N run − bytes of the N run) ÷ marginal_msgs, the book operations of N passes (seed, stream and clean-up, ${operationsPerPass} a pass): ` +
      "the run's fixed cost (profiler, compiled code, a few tens of kB) is in both runs and cancels, so one 16-byte object every 32 operations shows as 0.5 B " +
      '(a difference below 0, noise, shows as 0); operations, gc_count and heap_bytes are those of the 2N run, heap_bytes with its fixed cost; ' +
      "gc_count is reported only, not judged: a full GC empties V8's young generation but does not shrink it, so after the peer's garbage has grown it " +
      '(to tens of MB) a run can allocate that much without one collection',
    'one thread applies the operations: p99.9 and max also hold the OS scheduler, V8 collections (the peer\'s garbage) and compiler threads',
    // machineNotes' note on cores speaks of a sender and a receiver, which this bench does not have.
    ...machineNotes(busyBefore).filter((line) => line.startsWith('other processes')),
  ];
  return report(rows, notes, errors);
}

/** The differential check and the rejection counts: a book that did other work than the stream is an error. */
function checkBooks(ours: BookDriver, peer: BookDriver, workload: LobsterWorkload): string[] {
  const errors = topLevelDifferences(ours, peer, workload.lastRow).map((difference) => `books differ after the stream: ${difference}`);
  for (const driver of [ours, peer]) {
    if (driver.rejected > 0) errors.push(`${driver.impl} rejected ${driver.rejected} operations`);
    if (driver.crossed > 0) errors.push(`${driver.impl} matched ${driver.crossed} adds instead of resting them`);
  }
  return errors;
}

function report(rows: ResultRow[], notes: string[], errors: string[]): BenchReport {
  return { rows, baseline: PEER_IMPL, caseTitles: BOOK_CASE_TITLES, notes, targets: checkBookTargets(rows, PEER_IMPL), errors };
}
