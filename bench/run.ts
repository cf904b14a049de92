// `npm run bench -- NAME [--quick]` (node bench/run.ts NAME [--quick]): runs one bench,
// prints its tables and targets, and writes bench/results/NAME.json (the committed results).
// --quick is the short run CI uses as a smoke test; it writes the git-ignored
// bench/results/quick/NAME.json instead. Target misses never fail the run; failed measurements do.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchModule } from './lib/bench-report.ts';
import { MissingDataError } from '../test/helpers/shared-data.ts';
import { machineInfo } from './lib/machine.ts';
import { writeResults } from './lib/results-writer.ts';
import { printReport } from './lib/table-printer.ts';

/** One line per bench, loaded only when asked for. */
const BENCHES: Record<string, () => Promise<BenchModule>> = {
  shm: () => import('./shm/shm-bench.ts'),
  tcp: () => import('./tcp/tcp-bench.ts'),
  relay: () => import('./relay/relay-bench.ts'),
  operator: () => import('./operator/operator-bench.ts'),
  'operator-health': () => import('./operator/health-bench.ts'),
  fix: () => import('./fix/fix-bench.ts'),
  book: () => import('./book/book-bench.ts'),
  'fix-store': () => import('./fix-store/fix-store-bench.ts'),
  exchange: () => import('./exchange/exchange-bench.ts'),
};

const USAGE = `usage: npm run bench -- NAME [--quick]   (NAME: ${Object.keys(BENCHES).join(', ')})`;

function parseCommandLine(): { name: string; quick: boolean } {
  try {
    const { values, positionals } = parseArgs({ options: { quick: { type: 'boolean', default: false } }, allowPositionals: true });
    if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'no bench named' : `one bench at a time, got ${positionals.join(' ')}`);
    return { name: positionals[0], quick: values.quick };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const { name, quick } = parseCommandLine();
const load = Object.hasOwn(BENCHES, name) ? BENCHES[name] : undefined;
if (load === undefined) {
  console.error(`unknown bench "${name}"; available: ${Object.keys(BENCHES).join(', ')}\n${USAGE}`);
  process.exit(2);
}
const report = await runOrExplain(load, quick);
printReport(name, report, machineInfo(), quick);
const file = writeResults(name, report.rows, quick);
console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
process.exitCode = report.errors.length > 0 ? 1 : 0;

/** Runs the bench; absent test data is one plain line saying how to get it, not a stack trace. */
async function runOrExplain(loader: () => Promise<BenchModule>, quickRun: boolean): Promise<Awaited<ReturnType<BenchModule['runBench']>>> {
  try {
    return await (await loader()).runBench({ quick: quickRun });
  } catch (error) {
    if (!(error instanceof MissingDataError)) throw error;
    console.error(`bench ${name}: ${error.message}`);
    process.exit(1);
  }
}
