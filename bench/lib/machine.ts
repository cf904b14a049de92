// Where and on what a bench ran, for the results file and the printed header.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpus: number;
  node: string;
  model: string;
}

export function machineInfo(): MachineInfo {
  return { cpus: os.availableParallelism(), node: process.version, model: os.cpus()[0]?.model ?? 'unknown' };
}

/** Short hash of HEAD in the given checkout, or "unknown" outside git. */
export function gitCommit(directory: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Share of CPU time (0–1) other work took over a short sample, from /proc/stat: a bench
 * on a shared machine says so instead of reporting slow figures as the code's own.
 * Undefined where /proc/stat is missing.
 */
export async function cpuBusyShare(sampleMs = 250): Promise<number | undefined> {
  const before = readCpuTimes();
  if (before === undefined) return undefined;
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const after = readCpuTimes()!;
  const total = after.total - before.total;
  return total > 0 ? 1 - (after.idle - before.idle) / total : undefined;
}

function readCpuTimes(): { idle: number; total: number } | undefined {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // idle + iowait, of user nice system idle iowait irq softirq steal …
    return { idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((sum, value) => sum + value, 0) };
  } catch {
    return undefined;
  }
}
