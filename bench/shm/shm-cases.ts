// The shm bench's cases (names are fixed: scripts compare them across commits) and how
// long each is measured.
import type { LoadSpec } from './load-spec.ts';

export interface ShmCase {
  name: string;
  title: string;
  ratePerS?: number;
  batchSize: number;
}

export const SHM_CASES: readonly ShmCase[] = [
  { name: 'throughput-per-record', title: 'flat out, ring position published after every record', batchSize: 1 },
  { name: 'throughput-batched', title: 'flat out, ring position published once per 64 records', batchSize: 64 },
  { name: 'latency-100k', title: 'one-way latency, paced at 100k records/s', ratePerS: 100_000, batchSize: 1 },
  { name: 'latency-1m', title: 'one-way latency, paced at 1M records/s', ratePerS: 1_000_000, batchSize: 1 },
];

const FULL = { warmupS: 0.5, durationS: 3 };
const QUICK = { warmupS: 0.1, durationS: 0.5 };

export function measurementTimes(quick: boolean): { warmupS: number; durationS: number } {
  return quick ? QUICK : FULL;
}

export function loadFor(shmCase: ShmCase, quick: boolean): LoadSpec {
  const { warmupS, durationS } = measurementTimes(quick);
  const load: LoadSpec = { batchSize: shmCase.batchSize, warmupNs: warmupS * 1e9, durationNs: durationS * 1e9 };
  if (shmCase.ratePerS !== undefined) load.ratePerS = shmCase.ratePerS;
  return load;
}
