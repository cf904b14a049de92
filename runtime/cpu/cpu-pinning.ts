// Pins this process to the CPUs it was given (--cpus), through the native addon, and
// reports where it actually runs. Every thread is pinned (as `taskset -a` does): V8's
// helper threads then share the given cores instead of preempting another process's.
import { native } from '../native/native-addon.ts';
import { formatCpuList, readCpusAllowedList } from './cpu-list.ts';

export interface CpuPlacement {
  /** CPUs asked for with --cpus, or undefined when not pinned. */
  requested: string | undefined;
  /** Cpus_allowed_list of /proc/self/status after pinning. */
  allowed: string;
}

export function placeOnCpus(cpus: readonly number[] | undefined): CpuPlacement {
  if (cpus !== undefined) native.setAffinity(cpus, true);
  return { requested: cpus === undefined ? undefined : formatCpuList(cpus), allowed: readCpusAllowedList() };
}
