// Runs a JournalWriter in a worker thread of the trader (why a thread and not a process: see
// journal-writer.ts). The worker maps the journal's segment itself, drains it, and sleeps 1 ms
// (Atomics.wait, no spinning: the trader's cores stay free) whenever the ring is empty.
// stop() makes it drain everything, sync and close; a write error ends the thread and is
// reported by `done` and stop().
import { Worker } from 'node:worker_threads';
import type { SegmentLocation } from '../shm/segment.ts';
import type { JournalWriterOptions } from './journal-writer.ts';

export interface JournalWriterThreadOptions extends JournalWriterOptions {
  ring: SegmentLocation;
  /** Sleep when the ring is empty (default 1 ms). */
  idleMs?: number;
}

export interface JournalWriterThreadData {
  options: JournalWriterThreadOptions;
  /** [0] = 1 asks the thread to stop. */
  control: Int32Array;
}

export class JournalWriterThread {
  /** Settles when the thread ends: the entries it wrote, or why it failed. */
  readonly done: Promise<{ written: number }>;
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;

  constructor(options: JournalWriterThreadOptions) {
    const workerData: JournalWriterThreadData = { options, control: this.control };
    // The sources run as .ts; the published build (dist/) as .js, where tsc rewrote imports but not this URL.
    const main = new URL(`./journal-writer-thread-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
    this.worker = new Worker(main, { workerData });
    this.done = new Promise((resolve, reject) => {
      let result: { written: number } | undefined;
      this.worker.once('message', (message: { written: number }) => (result = message));
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => (result !== undefined ? resolve(result) : reject(new Error(`journal writer thread exited with code ${code} before closing the journal`))));
    });
  }

  /** Drains what is left, syncs and closes the journal, ends the thread. */
  stop(): Promise<{ written: number }> {
    Atomics.store(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    return this.done;
  }
}
