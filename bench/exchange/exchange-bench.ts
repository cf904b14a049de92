// `npm run bench -- exchange`: the exchange simulator's figures, one file per case so that
// cases are added as files (matching engine now; FIX round trip and sustained session later).
// Each case runs with its own peer in the same run and writes its own rows.
import type { BenchOptions, BenchReport } from '../lib/bench-report.ts';
import type { ExchangeCase } from './exchange-case.ts';
import { PEER_IMPL } from './matching-drivers.ts';

/** Loaded in turn, one at a time. */
const CASES: Array<() => Promise<ExchangeCase>> = [() => import('./matching-case.ts'), () => import('./fix-session-case.ts')];

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const report: BenchReport = { rows: [], baseline: PEER_IMPL, caseTitles: {}, notes: [], targets: [], errors: [] };
  for (const load of CASES) {
    const part = await (await load()).runCase(options);
    report.rows.push(...part.rows);
    Object.assign(report.caseTitles, part.caseTitles);
    report.notes.push(...part.notes);
    report.targets.push(...part.targets);
    report.errors.push(...part.errors);
  }
  return report;
}
