// What each case file of the exchange bench (`npm run bench -- exchange`) hands back; the
// bench (exchange-bench.ts) runs its cases in turn and merges their parts into one report.
import type { BenchOptions, ResultRow, TargetResult } from '../lib/bench-report.ts';

export interface CaseReport {
  rows: ResultRow[];
  caseTitles: Record<string, string>;
  notes: string[];
  targets: TargetResult[];
  errors: string[];
}

export interface ExchangeCase {
  runCase(options: BenchOptions): Promise<CaseReport>;
}
