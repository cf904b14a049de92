// The relay bench's cases (names are fixed: scripts compare them across commits).
import type { LoadShape } from '../lib/load-spec.ts';

export interface RelayCase extends LoadShape {
  name: string;
  title: string;
}

export const RELAY_CASES: readonly RelayCase[] = [
  { name: 'latency-100k', title: 'one-way latency paced at 100k records/s: publisher → TCP → relay → node-local SHM → consumer, beside a direct TCP consumer', ratePerS: 100_000 },
  { name: 'throughput', title: 'flat out: records per second through the relay path, beside a direct TCP consumer of the same publisher', ratePerS: undefined },
];

/** The direct TCP consumer: the baseline every relay row is compared with. */
export const TCP_IMPL = 'marketfeed-tcp';
/** A `consume shm` behind `marketfeed relay`. */
export const RELAY_IMPL = 'marketfeed-relay';
