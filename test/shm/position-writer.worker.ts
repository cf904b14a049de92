// Worker for atomic-position.test.ts: sweeps a position across many 2^32 boundaries.
import { workerData } from 'node:worker_threads';
import { AtomicPositionWriter } from '../../runtime/shm/atomic-position.ts';

const { buffer, boundaries, span } = workerData as { buffer: SharedArrayBuffer; boundaries: number[]; span: number };
const words = new Int32Array(buffer);
const writer = new AtomicPositionWriter(words, 0);
for (const boundary of boundaries) {
  for (let position = boundary - span; position <= boundary + span; position++) writer.set(position);
}
Atomics.store(words, 2, 1);
