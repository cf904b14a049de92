// A worker thread at one end of the same ring in a SharedArrayBuffer (impl
// "worker-threads-sab"). The end of the stream is the header's state word, which is what
// Segment.closeAndRemove() sets in the cross-process impl.
import { workerData } from 'node:worker_threads';
import { native } from '../../runtime/native/native-addon.ts';
import { ringMemoryOf } from '../../runtime/ring/ring-memory.ts';
import { HeaderWord, SegmentState } from '../../runtime/shm/segment-layout.ts';
import type { LoadSpec } from '../lib/load-spec.ts';
import { runRingEndpoint, type Role } from './ring-endpoint.ts';

export interface SabWorkerData {
  role: Role;
  load: LoadSpec;
  buffer: SharedArrayBuffer;
  cpu?: number;
}

const data = workerData as SabWorkerData;
// This thread only: placeOnCpus pins the whole process, which would put both workers on one core.
if (data.cpu !== undefined) native.setAffinity([data.cpu], false);
const ring = ringMemoryOf(data.buffer);
await runRingEndpoint(data.role, ring, data.load, {
  mark: () => Atomics.store(ring.words, HeaderWord.state, SegmentState.closed),
  isMarked: () => Atomics.load(ring.words, HeaderWord.state) === SegmentState.closed,
});
