// Footnotes every bench prints under its tables: what the machine did to the tails, and
// which paced rows were queueing instead of keeping up.
import type { ResultRow } from './bench-report.ts';
import { machineInfo } from './machine.ts';
import { formatRate } from './table-printer.ts';

/** CPU share other processes may take before the run without a warning. */
const BUSY_MACHINE_SHARE = 0.1;
/** Below this many cores a spinning sender and receiver leave none for anything else. */
const CORES_FOR_QUIET_TAILS = 4;
/** A paced row delivering less than this share of its rate was queueing, not keeping up. */
const KEPT_UP_SHARE = 0.95;

/** busyBefore: the CPU share other work took just before the run (cpuBusyShare). */
export function machineNotes(busyBefore: number | undefined): string[] {
  const lines: string[] = [];
  const cores = machineInfo().cpus;
  if (cores < CORES_FOR_QUIET_TAILS) {
    lines.push(
      `on ${cores} cores p99 and above are set by the OS scheduler, not by the channel: sender and receiver keep both cores busy, ` +
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
export function queueingNotes(cases: ReadonlyArray<{ name: string; ratePerS?: number }>, rows: readonly ResultRow[]): string[] {
  return cases.flatMap(({ name, ratePerS }) =>
    ratePerS === undefined
      ? []
      : rows
          .filter((row) => row.case === name && (row.lost ?? 0) === 0 && row.msgs_per_s !== undefined && row.msgs_per_s < KEPT_UP_SHARE * ratePerS)
          .map((row) => `${name} ${row.impl}: delivered only ${formatRate(row.msgs_per_s!)}/s of the ${formatRate(ratePerS)}/s sent, so its latency is mostly queueing, not the hop`),
  );
}
