// CPU lists in the kernel's format ("0-3,6,8-9"), as in /proc/self/status and cpusets.
import fs from 'node:fs';

export function parseCpuList(text: string): number[] {
  const cpus = new Set<number>();
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const match = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (match === null) throw new RangeError(`"${item}" is not a CPU number or range (e.g. 0-3,6)`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first || last >= 1024) throw new RangeError(`CPU range "${item}" is empty or beyond 1023`);
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  if (cpus.size === 0) throw new RangeError('empty CPU list');
  return [...cpus].sort((a, b) => a - b);
}

export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The CPUs the kernel lets this process run on, from /proc/self/status. */
export function readCpusAllowedList(): string {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(status);
  return line === null ? '' : line[1].trim();
}
