// The results for people: one table per case, the same rows as the JSON file, with the
// ratio against the baseline as the last column; then notes and targets.
import type { BenchReport, ResultRow, TargetResult } from './bench-report.ts';
import { baselineRatio } from './result-rows.ts';
import type { MachineInfo } from './machine.ts';

interface Column {
  header: string;
  value(row: ResultRow): number | undefined;
  format(value: number): string;
}

const figureColumns: Column[] = [
  { header: 'msgs/s', value: (row) => row.msgs_per_s, format: formatRate },
  { header: 'p50', value: (row) => row.p50_ns, format: formatNs },
  { header: 'p99', value: (row) => row.p99_ns, format: formatNs },
  { header: 'p99.9', value: (row) => row.p999_ns, format: formatNs },
  { header: 'max', value: (row) => row.max_ns, format: formatNs },
  { header: 'lost', value: (row) => row.lost, format: (value) => value.toLocaleString('en-US') },
];

export function printReport(bench: string, report: BenchReport, machine: MachineInfo, quick: boolean): void {
  console.log(`\nbench ${bench}${quick ? ' (--quick)' : ''}: ${machine.cpus} CPUs (${machine.model}), Node ${machine.node}`);
  const ratioColumn: Column = { header: `vs ${report.baseline}`, value: (row) => baselineRatio(row, report.baseline), format: formatRatio };
  for (const caseName of unique(report.rows.map((row) => row.case))) {
    const rows = report.rows.filter((row) => row.case === caseName);
    const columns = [...figureColumns, ...ownFigureColumns(rows), ratioColumn].filter((column) => rows.some((row) => column.value(row) !== undefined));
    console.log(`\n${caseName}${report.caseTitles[caseName] === undefined ? '' : ` — ${report.caseTitles[caseName]}`}`);
    printTable(['impl', ...columns.map((column) => column.header)], rows.map((row) => [row.impl, ...columns.map((column) => cell(column, row))]));
  }
  console.log(`\nvs ${report.baseline}: throughput = msgs/s ÷ ${report.baseline}'s msgs/s; latency = ${report.baseline}'s p50 ÷ p50 (higher is better)`);
  for (const note of report.notes) console.log(`note: ${note}`);
  if (report.targets.length > 0) printTargets(report.targets);
  for (const error of report.errors) console.log(`ERROR: ${error}`);
}

const STANDARD_KEYS = new Set(['case', 'impl', 'msgs_per_s', 'p50_ns', 'p99_ns', 'p999_ns', 'max_ns', 'lost']);

/** A column for every other numeric figure the rows carry (not the ratios, which have their own). */
function ownFigureColumns(rows: readonly ResultRow[]): Column[] {
  const keys = new Set(rows.flatMap((row) => Object.keys(row)));
  return [...keys]
    .filter((key) => !STANDARD_KEYS.has(key) && !key.startsWith('ratio_vs_') && !key.startsWith('p50_speedup_vs_'))
    .filter((key) => rows.some((row) => typeof row[key] === 'number'))
    .map((key) => ({
      header: key,
      value: (row) => (typeof row[key] === 'number' ? row[key] : undefined),
      format: (value) => value.toLocaleString('en-US'),
    }));
}

function printTargets(targets: readonly TargetResult[]): void {
  console.log('\ntargets:');
  for (const target of targets) console.log(`  ${target.met ? 'PASS' : 'MISS'}  ${target.description}: ${target.measured}`);
}

function cell(column: Column, row: ResultRow): string {
  const value = column.value(row);
  return value === undefined ? '—' : column.format(value);
}

/** First column left-aligned, figures right-aligned. */
function printTable(headers: string[], body: string[][]): void {
  const widths = headers.map((header, i) => Math.max(header.length, ...body.map((line) => line[i].length)));
  const render = (line: string[]): string => line.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join('  ');
  console.log(`  ${render(headers)}`);
  for (const line of body) console.log(`  ${render(line)}`);
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k`;
  return perSecond.toFixed(0);
}

/** Three significant digits: 0.70×, 37.8×, 1132×. */
export function formatRatio(ratio: number): string {
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

export function formatNs(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
