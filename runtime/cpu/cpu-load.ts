// How busy other processes keep the CPUs, from /proc/stat: the demo yields instead of
// busy-spinning on cores others want, and a bench on a shared machine says so instead of
// reporting slow figures as the code's own.
import fs from 'node:fs';

/** /proc/stat counts in USER_HZ ticks: 100 a second on Linux. */
const TICKS_PER_MICROSECOND = 100 / 1e6;

export interface CpuTicks {
  /** idle + iowait */
  idle: number;
  /** user nice system idle iowait irq softirq steal (guest time is already in user and nice) */
  total: number;
}

/**
 * Sums the tick counters of /proc/stat's `cpuN` lines for the given CPUs, or its `cpu`
 * line (every CPU) when cpus is undefined. Undefined if a line is missing.
 */
export function parseProcStat(text: string, cpus?: readonly number[]): CpuTicks | undefined {
  const lines = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    const [name, ...fields] = line.trim().split(/\s+/);
    if (name.startsWith('cpu')) lines.set(name, fields.slice(0, 8).map(Number));
  }
  const names = cpus === undefined ? ['cpu'] : cpus.map((cpu) => `cpu${cpu}`);
  const sum: CpuTicks = { idle: 0, total: 0 };
  for (const name of names) {
    const fields = lines.get(name);
    if (fields === undefined || fields.length < 4 || fields.some((value) => !Number.isFinite(value))) return undefined;
    sum.idle += fields[3] + (fields[4] ?? 0);
    sum.total += fields.reduce((total, value) => total + value, 0);
  }
  return sum;
}

/**
 * Share of CPU time (0–1) other processes took over a short sample, on the given CPUs
 * (default: all). This process's own time (starting up, compiling) is left out.
 * Undefined where /proc/stat is missing or lacks one of the CPUs.
 */
export async function cpuBusyShare(sampleMs = 250, cpus?: readonly number[]): Promise<number | undefined> {
  const before = readCpuTicks(cpus);
  if (before === undefined) return undefined;
  const ownBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const after = readCpuTicks(cpus);
  if (after === undefined) return undefined;
  const own = process.cpuUsage(ownBefore);
  const total = after.total - before.total;
  const busy = total - (after.idle - before.idle) - (own.user + own.system) * TICKS_PER_MICROSECOND;
  return total > 0 ? Math.min(1, Math.max(0, busy / total)) : undefined;
}

function readCpuTicks(cpus: readonly number[] | undefined): CpuTicks | undefined {
  try {
    return parseProcStat(fs.readFileSync('/proc/stat', 'utf8'), cpus);
  } catch {
    return undefined;
  }
}
