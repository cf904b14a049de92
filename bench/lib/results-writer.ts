// Writes bench/results/NAME.json in the DESIGN.md "Benchmark results" format, through a
// temporary file and a rename so that a reader never sees half a file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultRow } from './bench-report.ts';
import { gitCommit, machineInfo } from './machine.ts';

const BENCH_DIRECTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** MARKETFEED_BENCH_RESULTS moves the results elsewhere (the smoke test keeps bench/results/ intact). */
const RESULTS_DIRECTORY = process.env.MARKETFEED_BENCH_RESULTS ?? path.join(BENCH_DIRECTORY, 'results');

/** Returns the path written. */
export function writeResults(bench: string, rows: readonly ResultRow[]): string {
  const document = {
    bench,
    when: new Date().toISOString(),
    commit: gitCommit(BENCH_DIRECTORY),
    machine: machineInfo(),
    rows,
  };
  fs.mkdirSync(RESULTS_DIRECTORY, { recursive: true });
  const file = path.join(RESULTS_DIRECTORY, `${bench}.json`);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(document, null, 2)}\n`);
  fs.renameSync(temporary, file);
  return file;
}
