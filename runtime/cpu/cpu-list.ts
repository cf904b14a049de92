// CPU lists in the kernel's format ("0-3,6,8-9"), as in /proc/self/status and cpusets.
import fs from 'node:fs';
import { formatIntegerList, parseIntegerList } from '../text/integer-list.ts';

export function parseCpuList(text: string): number[] {
  return parseIntegerList(text, 1023, 'CPU');
}

export const formatCpuList: (cpus: readonly number[]) => string = formatIntegerList;

/** The CPUs the kernel lets this process run on, from /proc/self/status. */
export function readCpusAllowedList(): string {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(status);
  return line === null ? '' : line[1].trim();
}
