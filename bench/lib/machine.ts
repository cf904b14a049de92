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

/** /proc/stat counts in USER_HZ ticks: 100 a second on Linux. */
const TICKS_PER_MICROSECOND = 100 / 1e6;

/**
 * Share of CPU time (0–1) other processes took over a short sample, from /proc/stat: a
 * bench on a shared machine says so instead of reporting slow figures as the code's own.
 * The bench's own process (starting up, compiling) is left out. Undefined where
 * /proc/stat is missing.
 */
export async function cpuBusyShare(sampleMs = 250): Promise<number | undefined> {
  const before = readCpuTimes();
  if (before === undefined) return undefined;
  const ownBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const after = readCpuTimes()!;
  const own = process.cpuUsage(ownBefore);
  const total = after.total - before.total;
  const busy = total - (after.idle - before.idle) - (own.user + own.system) * TICKS_PER_MICROSECOND;
  return total > 0 ? Math.max(0, busy / total) : undefined;
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
