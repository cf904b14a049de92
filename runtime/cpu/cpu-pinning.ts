// Pins this process to the CPUs it was given (--cpus), through the native addon, and
// reports where it actually runs. Every thread is pinned (as `taskset -a` does): V8's
// helper threads then share the given cores instead of preempting another process's.
import { native } from '../native/native-addon.ts';
import { formatCpuList, parseCpuList, readCpusAllowedList } from './cpu-list.ts';

export interface CpuPlacement {
  /** CPUs asked for with --cpus, or undefined when not pinned. */
  requested: string | undefined;
  /** Cpus_allowed_list of /proc/self/status after pinning. */
  allowed: string;
}

/** A CPU asked for that this process may not run on (not on the machine, or outside its cpuset). */
export class CpuPlacementError extends Error {
  override readonly name = 'CpuPlacementError';
  readonly code = 'CPUS_NOT_ALLOWED';
}

export function placeOnCpus(cpus: readonly number[] | undefined): CpuPlacement {
  if (cpus !== undefined) {
    // The kernel would pin to the allowed part of the list, or refuse with a bare EINVAL if none is.
    const allowed = readCpusAllowedList();
    const permitted = new Set(parseCpuList(allowed));
    const refused = cpus.filter((cpu) => !permitted.has(cpu));
    if (refused.length > 0) {
      throw new CpuPlacementError(
        `cannot pin to ${cpuWord(cpus)} ${formatCpuList(cpus)} (--cpus): ${cpuWord(refused)} ${formatCpuList(refused)} ${refused.length === 1 ? 'is' : 'are'} not available to this process, which may run on CPUs ${allowed}`,
      );
    }
    native.setAffinity(cpus, true);
  }
  return { requested: cpus === undefined ? undefined : formatCpuList(cpus), allowed: readCpusAllowedList() };
}

function cpuWord(cpus: readonly number[]): string {
  return cpus.length === 1 ? 'CPU' : 'CPUs';
}
