// Measures every impl of every case, one at a time, into result rows; a measurement
// that fails is reported as an error and leaves its row out.
import type { ResultRow } from './bench-report.ts';
import { resultRow, type ReceiveResult } from './result-rows.ts';

export interface Measurable<C> {
  name: string;
  appliesTo?(benchCase: C): boolean;
}

export async function measureCases<C extends { name: string }, I extends Measurable<C>>(
  cases: readonly C[],
  impls: readonly I[],
  measure: (benchCase: C, impl: I) => Promise<ReceiveResult>,
): Promise<{ rows: ResultRow[]; errors: string[] }> {
  const rows: ResultRow[] = [];
  const errors: string[] = [];
  for (const benchCase of cases) {
    for (const impl of impls) {
      if (impl.appliesTo !== undefined && !impl.appliesTo(benchCase)) continue;
      process.stdout.write(`measuring ${benchCase.name} ${impl.name}…\n`);
      try {
        rows.push(resultRow(benchCase.name, impl.name, await measure(benchCase, impl)));
      } catch (error) {
        errors.push(`${benchCase.name} ${impl.name}: ${(error as Error).message}`);
      }
    }
  }
  return { rows, errors };
}
