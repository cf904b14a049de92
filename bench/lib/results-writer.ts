// Writes a bench's results in the DESIGN.md "Benchmark results" format, through a temporary
// file and a rename so that a reader never sees half a file. A full run writes the committed
// bench/results/NAME.json the README quotes; a --quick run (CI's smoke test) writes the
// git-ignored bench/results/quick/NAME.json, so it can never replace a full run's figures.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultRow } from './bench-report.ts';
import { gitCommit, machineInfo } from './machine.ts';

const BENCH_DIRECTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FULL_RESULTS_DIRECTORY = path.join(BENCH_DIRECTORY, 'results');
const QUICK_RESULTS_DIRECTORY = path.join(FULL_RESULTS_DIRECTORY, 'quick');

/** Returns the path written. */
export function writeResults(bench: string, rows: readonly ResultRow[], quick: boolean): string {
  const document = {
    bench,
    when: new Date().toISOString(),
    // Only in a quick file: a copy taken out of bench/results/quick/ still says what it is.
    ...(quick ? { quick: true } : {}),
    commit: gitCommit(BENCH_DIRECTORY),
    machine: machineInfo(),
    rows,
  };
  const directory = quick ? QUICK_RESULTS_DIRECTORY : FULL_RESULTS_DIRECTORY;
  fs.mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${bench}.json`);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(document, null, 2)}\n`);
  fs.renameSync(temporary, file);
  return file;
}
