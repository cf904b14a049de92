// The shm bench's cases (names are fixed: scripts compare them across commits).
import type { LoadShape } from '../lib/load-spec.ts';

export interface ShmCase extends LoadShape {
  name: string;
  title: string;
  batchSize: number;
}

export const SHM_CASES: readonly ShmCase[] = [
  { name: 'throughput-per-record', title: 'flat out, ring position published after every record', batchSize: 1 },
  { name: 'throughput-batched', title: 'flat out, ring position published once per 64 records', batchSize: 64 },
  { name: 'latency-100k', title: 'one-way latency, paced at 100k records/s', ratePerS: 100_000, batchSize: 1 },
  { name: 'latency-1m', title: 'one-way latency, paced at 1M records/s', ratePerS: 1_000_000, batchSize: 1 },
];
