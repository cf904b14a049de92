// What a bench hands back to the dispatcher (bench/run.ts), which prints it and writes
// bench/results/NAME.json. A bench measures; it neither prints tables nor writes files.

/** One measured figure set, in the DESIGN.md "Benchmark results" format. Missing figures are absent, never 0. */
export interface ResultRow {
  case: string;
  impl: string;
  msgs_per_s?: number;
  p50_ns?: number;
  p99_ns?: number;
  p999_ns?: number;
  max_ns?: number;
  /** Records the reader never got because the writer lapped it (ring impls only). */
  lost?: number;
  /** Added by addBaselineRatios: throughput ratio, or baseline p50 ÷ this p50 for latency cases. */
  [ratio: `ratio_vs_${string}` | `p50_speedup_vs_${string}`]: number;
  /** A bench's own figures (e.g. the operator's seconds_to_reconcile_all), printed as extra columns. */
  [figure: string]: string | number | undefined;
}

export interface TargetResult {
  description: string;
  /** The figure the target was checked against, for people ("12.3 M/s"), or "not measured". */
  measured: string;
  met: boolean;
}

export interface BenchReport {
  rows: ResultRow[];
  /** The impl every other row is compared with. */
  baseline: string;
  /** One line per case shown above its table, keyed by case name. */
  caseTitles: Record<string, string>;
  /** Footnotes printed under the tables. */
  notes: string[];
  targets: TargetResult[];
  /** Measurements that failed (their rows are missing); the process then exits 1. */
  errors: string[];
}

export interface BenchOptions {
  quick: boolean;
}

/** What each bench module (bench/NAME/NAME-bench.ts) exports. */
export interface BenchModule {
  runBench(options: BenchOptions): Promise<BenchReport>;
}
