// How the demo lays its processes on the cores it has. Busy-spinning processes get a core
// each and never outnumber the cores left after one is kept for everything else (the
// OS, the demo itself, the non-spinning processes); consumers get the spinning cores
// first, because their latency is what the demo shows.
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
}

export function planDemo(availableCpus: readonly number[], consumerCount: number): DemoPlan {
  const cpus = [...availableCpus].sort((a, b) => a - b);
  const spinBudget = Math.max(0, cpus.length - 1);
  const names = Array.from({ length: consumerCount }, (_, i) => `consumer-${String.fromCharCode(97 + i)}`);
  const spinningConsumers = Math.min(consumerCount, spinBudget);
  const publisherSpins = spinBudget > spinningConsumers;
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
  return { publisher, consumers, spinners: spinningConsumers + (publisherSpins ? 1 : 0) };
}
