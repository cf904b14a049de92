import fc from 'fast-check';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { AtomicPositionWriter, readAtomicPosition } from '../../runtime/shm/atomic-position.ts';

describe('AtomicPosition', () => {
  it('reads back any position it was set to, up to 2^53', () => {
    const words = new Int32Array(2);
    const writer = new AtomicPositionWriter(words, 0);
    fc.assert(
      fc.property(fc.maxSafeNat(), (position) => {
        writer.set(position);
        expect(readAtomicPosition(words, 0)).toBe(position);
      }),
      { numRuns: 5000 },
    );
  });

  it('never shows another thread a torn value while the high word changes', async () => {
    const TWO_POW_32 = 2 ** 32;
    const boundaries = Array.from({ length: 200 }, (_, i) => (i + 1) * TWO_POW_32);
    const span = 2000;
    const buffer = new SharedArrayBuffer(16);
    const words = new Int32Array(buffer);
    const worker = new Worker(new URL('./position-writer.worker.ts', import.meta.url), { workerData: { buffer, boundaries, span } });
    const done = new Promise<void>((resolve, reject) => {
      worker.once('exit', () => resolve());
      worker.once('error', reject);
    });
    let reads = 0;
    let previous = 0;
    let boundaryIndex = 0;
    while (Atomics.load(words, 2) === 0) {
      const value = readAtomicPosition(words, 0);
      if (value !== 0) {
        // Every value must lie in the window the writer is sweeping (or a later one), and
        // positions only grow: a torn read would be 2^32 off.
        while (boundaryIndex < boundaries.length - 1 && value > boundaries[boundaryIndex] + span) boundaryIndex++;
        expect(Math.abs(value - boundaries[boundaryIndex])).toBeLessThanOrEqual(span);
        expect(value).toBeGreaterThanOrEqual(previous);
        previous = value;
        reads++;
      }
    }
    await done;
    expect(readAtomicPosition(words, 0)).toBe(boundaries[boundaries.length - 1] + span);
    expect(reads).toBeGreaterThan(0);
  });
});
