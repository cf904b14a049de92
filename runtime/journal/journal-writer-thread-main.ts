// The body of the journal writer thread (journal-writer-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { Segment } from '../shm/segment.ts';
import type { JournalWriterThreadData } from './journal-writer-thread.ts';
import { JournalWriter } from './journal-writer.ts';

const { options, control } = workerData as JournalWriterThreadData;
const segment = Segment.open(options.ring, true);
try {
  const writer = new JournalWriter(segment.ring(), options);
  const idleMs = options.idleMs ?? 1;
  while (Atomics.load(control, 0) === 0) {
    if (writer.drain() === 0) Atomics.wait(control, 0, 0, idleMs);
  }
  writer.close();
  parentPort?.postMessage({ written: writer.written });
} finally {
  segment.close();
}
