// `marketfeed relay`: a TCP consumer of a publisher's binary feed whose records go, bit-for-bit,
// into a node-local broadcast segment (RelayRing), so that `consume shm` on this node reads
// the publisher's stream (same sequences and timestamps) at shared-memory cost, and the
// publisher serves one TCP stream per node. Reconnects with backoff, counts and reports the
// records lost on the TCP leg (gap markers, drops, reconnects) like `consume tcp`, and
// measures the leg's one-way latency; its summary adds what went into the segment.
import { runTcpConsumer, type TcpConsumerConfig } from '../consumer/tcp-consumer-process.ts';
import { RelayRing, type RelayRingOptions } from './relay-ring.ts';

export type RelayConfig = Omit<TcpConsumerConfig, 'encoding' | 'instruments' | 'tap'> & RelayRingOptions;

export function runRelay(config: RelayConfig): Promise<number> {
  const ring = new RelayRing({ feed: config.feed, shmDir: config.shmDir, capacity: config.capacity, groupAccess: config.groupAccess });
  // Every instrument, binary: the relay's ring must hold the whole stream, numbered as published.
  return runTcpConsumer({ ...config, encoding: 'binary', instruments: undefined, tap: ring });
}
