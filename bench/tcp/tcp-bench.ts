// `npm run bench -- tcp`: the publisher's TCP feed (marketfeed) beside a naive baseline
// (JSON.stringify and socket.write per record, default socket options), the binary
// encoding without batching (naive-binary), and the shared-memory path under the same
// load (marketfeed-shm), for each case, in the same run.
import type { BenchOptions, BenchReport, ResultRow } from '../lib/bench-report.ts';
import { describeCpuPlan, planCpus, type CpuPlan } from '../lib/cpu-plan.ts';
import { loadFor, measurementTimes } from '../lib/load-spec.ts';
import { cpuBusyShare } from '../../runtime/cpu/cpu-load.ts';
import { measureCases } from '../lib/measure-cases.ts';
import { addBaselineRatios } from '../lib/result-rows.ts';
import { machineNotes, queueingNotes } from '../lib/run-notes.ts';
import { formatNs, formatRate, formatRatio } from '../lib/table-printer.ts';
import { withTemporaryDirectory } from '../lib/temporary-directory.ts';
import { TCP_CASES } from './tcp-cases.ts';
import { BASELINE_IMPL, SHM_IMPL, TCP_IMPLS } from './tcp-impls.ts';
import { checkTcpTargets } from './tcp-targets.ts';

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const cpus = planCpus();
  const busyBefore = await cpuBusyShare();
  const { rows, errors } = await withTemporaryDirectory('/dev/shm', 'marketfeed-bench-', (shmDir) =>
    measureCases(TCP_CASES, TCP_IMPLS, (tcpCase, impl) => impl.measure(tcpCase, loadFor(tcpCase, options.quick), { cpus, shmDir })),
  );
  addBaselineRatios(rows, BASELINE_IMPL);
  return {
    rows,
    baseline: BASELINE_IMPL,
    caseTitles: Object.fromEntries(TCP_CASES.map((tcpCase) => [tcpCase.name, tcpCase.title])),
    notes: [...notes(cpus, options.quick, busyBefore), ...tcpVersusShm(rows), ...queueingNotes(TCP_CASES, rows)],
    targets: checkTcpTargets(rows, BASELINE_IMPL),
    errors,
  };
}

function notes(cpus: CpuPlan, quick: boolean, busyBefore: number | undefined): string[] {
  const { warmupS, durationS } = measurementTimes(quick);
  return [
    `marketfeed = the publisher's TcpFeedServer (ring → fan-out, one write per duty cycle, TCP_NODELAY, 4 MiB SO_SNDBUF) to the TcpFeedClient, over loopback; ` +
      `naive = JSON.stringify of an object and one socket.write per record, default socket options, read back with split + JSON.parse; ` +
      `naive-binary = the binary frame of one record, one socket.write per record, default socket options; ` +
      `${SHM_IMPL} = the same load through the /dev/shm ring between two processes; ${describeCpuPlan(cpus)}`,
    `each row: ${warmupS} s warm-up, then ${durationS} s measured; flat out, a sender waits while more than 1 MiB waits in its process for the kernel; ` +
      `msgs/s = records delivered per second; latency = receipt (clock read once per socket read) − publish timestamp, CLOCK_MONOTONIC, HdrHistogram`,
    ...machineNotes(busyBefore),
  ];
}

/** The comparison users ask for: how much TCP costs against shared memory, per case. */
function tcpVersusShm(rows: readonly ResultRow[]): string[] {
  return TCP_CASES.flatMap((tcpCase) => {
    const tcp = rows.find((row) => row.case === tcpCase.name && row.impl === 'marketfeed');
    const shm = rows.find((row) => row.case === tcpCase.name && row.impl === SHM_IMPL);
    if (tcp === undefined || shm === undefined) return [];
    if (tcpCase.ratePerS === undefined) {
      if (tcp.msgs_per_s === undefined || shm.msgs_per_s === undefined) return [];
      return [`${tcpCase.name}: TCP delivers ${formatRate(tcp.msgs_per_s)}/s, shared memory ${formatRate(shm.msgs_per_s)}/s (${formatRatio(shm.msgs_per_s / tcp.msgs_per_s)} TCP)`];
    }
    if (tcp.p50_ns === undefined || shm.p50_ns === undefined) return [];
    return [`${tcpCase.name}: TCP p50 ${formatNs(tcp.p50_ns)}, shared memory p50 ${formatNs(shm.p50_ns)} (${formatRatio(tcp.p50_ns / shm.p50_ns)} lower)`];
  });
}
