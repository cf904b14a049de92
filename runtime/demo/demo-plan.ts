// How the demo lays its processes on the cores it has. Busy-spinning processes get a core
// each and never outnumber the cores left after one is kept for everything else (the
// OS, the demo itself, the non-spinning processes) and after those other processes keep
// busy: a spinner that shares its core with other work is descheduled for whole time
// slices, and its p50 shows milliseconds of scheduler, not the feed. Consumers get the
// spinning cores first, because their latency is what the demo shows.
import type { IdleStrategyName } from '../agent/idle-strategy.ts';

export interface DemoProcessPlan {
  name: string;
  idle: IdleStrategyName;
  /** CPUs to pin to; undefined = not pinned. */
  cpus: number[] | undefined;
}

export interface DemoPlan {
  publisher: DemoProcessPlan;
  consumers: DemoProcessPlan[];
  spinners: number;
  /** Why there are this many spinners, for the plan line. */
  reason: string;
}

/** --busy-spin: auto = on the cores the measured load leaves free; yes = whatever the load; no = never. */
export const SPIN_POLICIES = ['auto', 'yes', 'no'] as const;
export type SpinPolicy = (typeof SPIN_POLICIES)[number];

/** Other processes' load (in cores) that still leaves a core free for a spinner: a daemon, a terminal. */
export const BACKGROUND_LOAD_CORES = 0.25;

export interface SpinBudget {
  /** Busy-spinning processes at most. */
  cores: number;
  reason: string;
}

/**
 * How many processes may busy-spin on cpuCount CPUs of which other processes take
 * othersShare (0–1, undefined = not measured). One core is always kept for the rest;
 * in auto, each core's worth of others' load beyond BACKGROUND_LOAD_CORES takes one more.
 */
export function spinBudget(cpuCount: number, othersShare: number | undefined, policy: SpinPolicy): SpinBudget {
  const most = Math.max(0, cpuCount - 1);
  const ofCpus = `${cpuCount} CPU${cpuCount === 1 ? '' : 's'}`;
  if (policy === 'no') return { cores: 0, reason: '--busy-spin no' };
  if (policy === 'yes') return { cores: most, reason: `--busy-spin yes: one core kept for the rest of ${ofCpus}, load not measured` };
  if (othersShare === undefined) return { cores: most, reason: `CPU load unknown (no /proc/stat): planned as if ${ofCpus} were idle` };
  const othersCores = othersShare * cpuCount;
  const taken = Math.max(0, Math.ceil(othersCores - BACKGROUND_LOAD_CORES));
  const cores = Math.max(0, most - taken);
  const load = `other processes keep ${othersCores.toFixed(1)} of ${ofCpus} busy`;
  if (taken === 0) return { cores, reason: `${load}: one core kept for the rest` };
  return {
    cores,
    reason:
      `${load}, so ${cores === 0 ? 'nothing busy-spins' : `only ${cores} may busy-spin`}: a spinner sharing its core would show ` +
      'the scheduler’s time slices (ms), not the feed’s latency; --busy-spin yes to spin anyway',
  };
}

export function planDemo(availableCpus: readonly number[], consumerCount: number, budget: SpinBudget): DemoPlan {
  const cpus = [...availableCpus].sort((a, b) => a - b);
  const spinBudgetCores = Math.min(budget.cores, Math.max(0, cpus.length - 1));
  const names = Array.from({ length: consumerCount }, (_, i) => `consumer-${String.fromCharCode(97 + i)}`);
  const spinningConsumers = Math.min(consumerCount, spinBudgetCores);
  const publisherSpins = spinBudgetCores > spinningConsumers;
  // Spinners take the highest CPUs, one each; the rest share the CPUs left over.
  let nextSpinCpu = cpus.length - 1;
  const shared = cpus.length > 1 ? cpus.slice(0, cpus.length - (spinningConsumers + (publisherSpins ? 1 : 0))) : undefined;
  const consumers = names.map((name, i): DemoProcessPlan => {
    if (i < spinningConsumers) return { name, idle: 'busy-spin', cpus: [cpus[nextSpinCpu--]] };
    return { name, idle: 'spin-yield', cpus: shared };
  });
  const publisher: DemoProcessPlan = publisherSpins
    ? { name: 'publisher', idle: 'busy-spin', cpus: [cpus[nextSpinCpu--]] }
    : { name: 'publisher', idle: 'sleep', cpus: shared };
  return { publisher, consumers, spinners: spinningConsumers + (publisherSpins ? 1 : 0), reason: budget.reason };
}
