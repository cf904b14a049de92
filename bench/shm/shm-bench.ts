// `npm run bench -- shm`: the shared-memory ring across processes (marketfeed), the same
// ring across worker threads (worker-threads-sab), and MessagePort.postMessage between
// worker threads, for each case, in the same run.
import type { BenchOptions, BenchReport, ResultRow } from '../lib/bench-report.ts';
import { cpuBusyShare, machineInfo } from '../lib/machine.ts';
import { formatRate } from '../lib/table-printer.ts';
import { addBaselineRatios, resultRow } from '../lib/result-rows.ts';
import { withTemporaryDirectory } from '../lib/temporary-directory.ts';
import { describeCpuPlan, planCpus, type CpuPlan } from './cpu-plan.ts';
import { SHM_CASES, loadFor, measurementTimes } from './shm-cases.ts';
import { BASELINE_IMPL, POST_MESSAGE_WINDOW, RING_CAPACITY, SHM_IMPLS } from './shm-impls.ts';
import { checkShmTargets } from './shm-targets.ts';

/** A paced row delivering less than this share of its rate was queueing, not keeping up. */
const KEPT_UP_SHARE = 0.95;

/** CPU share other processes may take before the run without a warning. */
const BUSY_MACHINE_SHARE = 0.1;

/** Below this many cores a spinning writer and reader leave none for anything else. */
const CORES_FOR_QUIET_TAILS = 4;

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const cpus = planCpus();
  const busyBefore = await cpuBusyShare();
  const rows: ResultRow[] = [];
  const errors: string[] = [];
  await withTemporaryDirectory('/dev/shm', 'marketfeed-bench-', async (shmDir) => {
    for (const shmCase of SHM_CASES) {
      const load = loadFor(shmCase, options.quick);
      for (const impl of SHM_IMPLS) {
        process.stdout.write(`measuring ${shmCase.name} ${impl.name}…\n`);
        try {
          rows.push(resultRow(shmCase.name, impl.name, await impl.measure(shmCase, load, { cpus, shmDir })));
        } catch (error) {
          errors.push(`${shmCase.name} ${impl.name}: ${(error as Error).message}`);
        }
      }
    }
  });
  addBaselineRatios(rows, BASELINE_IMPL);
  return {
    rows,
    baseline: BASELINE_IMPL,
    caseTitles: Object.fromEntries(SHM_CASES.map((shmCase) => [shmCase.name, shmCase.title])),
    notes: [...notes(cpus, options.quick, busyBefore), ...queueingNotes(rows)],
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
  const cores = machineInfo().cpus;
  if (cores < CORES_FOR_QUIET_TAILS) {
    lines.push(
      `on ${cores} cores p99 and above are set by the OS scheduler, not by the channel: writer and reader keep both cores busy, ` +
        `so any other thread (V8's GC and compiler included) costs a spinner a whole time slice (~4 ms); p50 is the real hop`,
    );
  }
  if (busyBefore !== undefined && busyBefore > BUSY_MACHINE_SHARE) {
    lines.push(
      `other processes kept the CPUs ${Math.round(busyBefore * 100)}% busy just before the run: ` +
        'the figures are lower and noisier than on a quiet machine',
    );
  }
  return lines;
}

/**
 * Paced rows whose receiver fell behind without losing records: their latency is mostly
 * time spent in a queue. (Rows that lost records show it in their own column.)
 */
function queueingNotes(rows: readonly ResultRow[]): string[] {
  return SHM_CASES.filter((shmCase) => shmCase.ratePerS !== undefined).flatMap((shmCase) =>
    rows
      .filter((row) => row.case === shmCase.name && (row.lost ?? 0) === 0 && row.msgs_per_s !== undefined && row.msgs_per_s < KEPT_UP_SHARE * shmCase.ratePerS!)
      .map(
        (row) =>
          `${shmCase.name} ${row.impl}: delivered only ${formatRate(row.msgs_per_s!)}/s of the ${formatRate(shmCase.ratePerS!)}/s sent, ` +
          'so its latency is mostly queueing, not the hop',
      ),
  );
}
