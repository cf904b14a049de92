// `npm run bench -- relay`: what `marketfeed relay` costs. From one publisher in the same run,
// a `consume shm` behind a relay (publisher → TCP → relay → node-local SHM ring → consumer)
// beside a direct `consume tcp`: one-way latency paced, with the hop's added p50/p99, and
// records per second flat out.
import type { BenchOptions, BenchReport, ResultRow } from '../lib/bench-report.ts';
import { cpuBusyShare } from '../../runtime/cpu/cpu-load.ts';
import { loadFor, measurementTimes } from '../lib/load-spec.ts';
import { planCpus, type CpuPlan } from '../lib/cpu-plan.ts';
import { addBaselineRatios, resultRow } from '../lib/result-rows.ts';
import { machineNotes, queueingNotes } from '../lib/run-notes.ts';
import { withTemporaryDirectory } from '../lib/temporary-directory.ts';
import { RELAY_CASES, RELAY_IMPL, TCP_IMPL } from './relay-cases.ts';
import { measureRelayPath } from './relay-processes.ts';
import { checkRelayTargets, signedNs } from './relay-targets.ts';

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const busyBefore = await cpuBusyShare();
  const rows: ResultRow[] = [];
  const errors: string[] = [];
  const dropNotes: string[] = [];
  await withTemporaryDirectory('/dev/shm', 'marketfeed-bench-', async (shmDir) => {
    for (const relayCase of RELAY_CASES) {
      process.stdout.write(`measuring ${relayCase.name} (${RELAY_IMPL} beside ${TCP_IMPL})…\n`);
      try {
        const measured = await measureRelayPath(loadFor(relayCase, options.quick), shmDir);
        const direct = resultRow(relayCase.name, TCP_IMPL, measured.direct);
        const relayed = resultRow(relayCase.name, RELAY_IMPL, measured.relayed);
        relayed.relay_lost = measured.relayLost;
        relayed.reconnects = measured.relayReconnects;
        direct.reconnects = measured.direct.reconnects ?? 0;
        if (relayCase.ratePerS !== undefined) {
          addedLatency(relayed, direct);
          if (measured.relayLegP50Ns !== undefined) relayed.relay_leg_p50_ns = measured.relayLegP50Ns;
        }
        dropNotes.push(`${relayCase.name}: the publisher dropped ${measured.droppedSlow} subscriber connection(s) as too slow (its send queue for them passed --max-queue-bytes)`);
        rows.push(relayed, direct);
      } catch (error) {
        errors.push(`${relayCase.name}: ${(error as Error).message}`);
      }
    }
  });
  addBaselineRatios(rows, TCP_IMPL);
  return {
    rows,
    baseline: TCP_IMPL,
    caseTitles: Object.fromEntries(RELAY_CASES.map((relayCase) => [relayCase.name, relayCase.title])),
    notes: [...notes(options.quick, busyBefore), ...hopNotes(rows), ...dropNotes, ...queueingNotes(RELAY_CASES, rows)],
    targets: checkRelayTargets(rows),
    errors,
  };
}

/** The hop's cost per percentile: relay path minus direct TCP, both from the same publisher at the same time. */
function addedLatency(relayed: ResultRow, direct: ResultRow): void {
  if (relayed.p50_ns !== undefined && direct.p50_ns !== undefined) relayed.added_p50_ns = relayed.p50_ns - direct.p50_ns;
  if (relayed.p99_ns !== undefined && direct.p99_ns !== undefined) relayed.added_p99_ns = relayed.p99_ns - direct.p99_ns;
}

function notes(quick: boolean, busyBefore: number | undefined): string[] {
  const { warmupS, durationS } = measurementTimes(quick);
  return [
    `from one publisher (the CLI's publish, --idle spin-yield, TCP feed on loopback) in the same run: ${RELAY_IMPL} = the CLI's relay into its own segment, read by the shm bench's ring reader (sched_yield after each empty poll, as consume shm --idle yield); ` +
      `${TCP_IMPL} = the tcp bench's receiver (marketfeed's TcpFeedClient) on the publisher; ${describePlacement(planCpus())}`,
    `each receiver: ${warmupS} s warm-up from its first record, then ${durationS} s measured; latency = receipt − publish timestamp (the record's own, kept bit-for-bit by the relay), CLOCK_MONOTONIC, HdrHistogram; ` +
      `added_p50_ns / added_p99_ns = relay path − direct TCP at that percentile; relay_leg_p50_ns = publish → the relay's receipt, as the relay measures it (the median of its 0.25 s interval p50s within the measured window): the rest of the relay path's p50 is the relay's write and the SHM reader's pick-up`,
    `flat out the publisher generates faster than a TCP subscriber reads, and never waits (broadcast): a subscriber whose send queue passes --max-queue-bytes is dropped. ` +
      `reconnects = times that subscriber (the relay, the direct receiver) was dropped as too slow and reconnected; relay_lost = records the relay lost so (counted, logged as warnings with the publisher's reason, seen by SHM readers as gaps: lost); the direct receiver's lost = the same for it`,
    ...machineNotes(busyBefore),
  ];
}

function describePlacement(plan: CpuPlan): string {
  return plan.writer === undefined
    ? 'four processes, not pinned (fewer than 2 CPUs available)'
    : `publisher and direct receiver pinned to CPU ${plan.writer}, relay and its SHM reader to CPU ${plan.reader} (a node each)`;
}

function hopNotes(rows: readonly ResultRow[]): string[] {
  return rows
    .filter((row) => row.impl === RELAY_IMPL && typeof row.added_p50_ns === 'number')
    .map((row) => {
      const p50 = row.added_p50_ns as number;
      const p99 = row.added_p99_ns as number | undefined;
      const line = `${row.case}: the relay path against the direct TCP consumer: ${signedNs(p50)} at p50, ${p99 === undefined ? 'p99 not measured' : `${signedNs(p99)} at p99`}`;
      return p50 < 0 ? `${line} (less than nothing: the direct consumer queued longer than the relay path in this run, which is the machine's load, not the hop)` : line;
    });
}
