// The tcp bench's cases (names are fixed: scripts compare them across commits).
import type { FeedEncoding } from '../../runtime/tcp/feed-protocol.ts';
import type { LoadShape } from '../lib/load-spec.ts';

export interface TcpCase extends LoadShape {
  name: string;
  title: string;
  /** What the subscriber asks for (marketfeed), and what the impls are compared on. */
  encoding: FeedEncoding;
}

export const TCP_CASES: readonly TcpCase[] = [
  { name: 'throughput-binary', title: 'flat out, binary frames of 64-byte records', encoding: 'binary' },
  { name: 'throughput-ndjson', title: 'flat out, NDJSON (one JSON object per line)', encoding: 'json' },
  { name: 'latency-100k-binary', title: 'one-way latency, paced at 100k records/s, binary', encoding: 'binary', ratePerS: 100_000 },
  { name: 'latency-100k-ndjson', title: 'one-way latency, paced at 100k records/s, NDJSON', encoding: 'json', ratePerS: 100_000 },
];
