// Where the sender and the receiver run: two different CPUs of those this process may
// use, when there are two. Two spinners on one core would time-slice (p50 ≈ 4 ms).
import { native } from '../../runtime/native/native-addon.ts';

export interface CpuPlan {
  writer?: number;
  reader?: number;
}

export function planCpus(): CpuPlan {
  const cpus = native.getAffinity();
  return cpus.length >= 2 ? { writer: cpus[0], reader: cpus[1] } : {};
}

export function describeCpuPlan(plan: CpuPlan): string {
  return plan.writer === undefined ? 'not pinned (fewer than 2 CPUs available)' : `writer pinned to CPU ${plan.writer}, reader to CPU ${plan.reader}`;
}
