// `npm run bench -- shm`: the shared-memory ring across processes (marketfeed), the same
// ring across worker threads (worker-threads-sab), and MessagePort.postMessage between
// worker threads, for each case, in the same run.
import type { BenchOptions, BenchReport } from '../lib/bench-report.ts';
import { cpuBusyShare } from '../../runtime/cpu/cpu-load.ts';
import { machineNotes, queueingNotes } from '../lib/run-notes.ts';
import { measureCases } from '../lib/measure-cases.ts';
import { addBaselineRatios } from '../lib/result-rows.ts';
import { withTemporaryDirectory } from '../lib/temporary-directory.ts';
import { describeCpuPlan, planCpus, type CpuPlan } from '../lib/cpu-plan.ts';
import { loadFor, measurementTimes } from '../lib/load-spec.ts';
import { SHM_CASES } from './shm-cases.ts';
import { BASELINE_IMPL, POST_MESSAGE_WINDOW, RING_CAPACITY, SHM_IMPLS } from './shm-impls.ts';
import { checkShmTargets } from './shm-targets.ts';

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const cpus = planCpus();
  const busyBefore = await cpuBusyShare();
  const { rows, errors } = await withTemporaryDirectory('/dev/shm', 'marketfeed-bench-', (shmDir) =>
    measureCases(SHM_CASES, SHM_IMPLS, (shmCase, impl) => impl.measure(shmCase, loadFor(shmCase, options.quick), { cpus, shmDir })),
  );
  addBaselineRatios(rows, BASELINE_IMPL);
  return {
    rows,
    baseline: BASELINE_IMPL,
    caseTitles: Object.fromEntries(SHM_CASES.map((shmCase) => [shmCase.name, shmCase.title])),
    notes: [...notes(cpus, options.quick, busyBefore), ...queueingNotes(SHM_CASES, rows)],
    targets: checkShmTargets(rows, BASELINE_IMPL),
    errors,
  };
}

function notes(cpus: CpuPlan, quick: boolean, busyBefore: number | undefined): string[] {
  const { warmupS, durationS } = measurementTimes(quick);
  const lines = [
    `marketfeed = writer and reader in two processes over a /dev/shm segment; worker-threads-sab = the same ring classes in a SharedArrayBuffer ` +
      `between two worker threads (ring of ${RING_CAPACITY.toLocaleString('en-US')} records); ${describeCpuPlan(cpus)}`,
    `postMessage = one message per record, a structured-clone copy of the record's 64-byte ArrayBuffer, between two worker threads; ` +
      `flat out with at most ${POST_MESSAGE_WINDOW.toLocaleString('en-US')} messages in flight (acknowledged through a SharedArrayBuffer counter)`,
    `each row: ${warmupS} s warm-up, then ${durationS} s measured; the writer fills 64-byte records with record.setQuote; msgs/s = records delivered to the reader per second; ` +
      `latency = receipt − publish timestamp (CLOCK_MONOTONIC), HdrHistogram; lost = records the writer overwrote before the reader got them`,
  ];
  return [...lines, ...machineNotes(busyBefore)];
}
