// Loads the Node-API addon built by node-gyp at install time (binding.gyp at the package root).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface MappedFile {
  /** The mapping itself; typed-array views on it see other processes' stores. */
  readonly buffer: ArrayBuffer;
  /** Inode of the mapped file, to tell a re-created segment from the one mapped. */
  readonly inode: number;
  readonly size: number;
}

export interface NativeAddon {
  /** Creates path exclusively (EEXIST if present) with the given mode, sizes it and maps it read-write. */
  createSegment(path: string, size: number, mode: number): MappedFile;
  /** Maps an existing file whole, read-only unless writable. */
  openSegment(path: string, writable: boolean): MappedFile;
  /** Unmaps now and detaches the buffer (views on it become empty). */
  unmapSegment(buffer: ArrayBuffer): void;
  /** Pins the calling thread (and with allThreads every thread of the process); returns the CPUs now allowed. */
  setAffinity(cpus: readonly number[], allThreads: boolean): number[];
  getAffinity(): number[];
  /** CLOCK_MONOTONIC in nanoseconds, as a double (exact below 2^53 ns, about 104 days of uptime). */
  monotonicNs(this: void): number;
  /** CLOCK_REALTIME in nanoseconds since the epoch, as a double (256 ns granularity today). */
  realtimeNs(this: void): number;
  /** Binds this thread's clock cell: tickMonotonic writes index 0, tickRealtime index 1 (ns, as above). */
  bindClockCell(this: void, cell: Float64Array): void;
  /** Writes CLOCK_MONOTONIC into the bound cell: nothing is returned, so nothing is allocated. */
  tickMonotonic(this: void): void;
  tickRealtime(this: void): void;
  /** sched_yield(): lets another runnable thread on this core run. */
  yieldCpu(this: void): void;
  /** SO_SNDBUF / SO_RCVBUF of a socket fd (0 = unchanged); returns the sizes the kernel set. */
  setSocketBuffers(fd: number, sendBytes: number, receiveBytes: number): [number, number];
}

// From runtime/native/ (sources) or dist/runtime/native/ (the compiled library).
const here = path.dirname(fileURLToPath(import.meta.url));
const candidates = [path.resolve(here, '..', '..'), path.resolve(here, '..', '..', '..')].flatMap((root) => [
  path.join(root, 'build', 'Release', 'marketfeed_native.node'),
  path.join(root, 'build', 'Debug', 'marketfeed_native.node'),
]);

function load(): NativeAddon {
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(
      `marketfeed native addon not built (looked for ${candidates.join(', ')}); ` +
        'run `npm ci` (or `npm run install`), which builds it with node-gyp (needs g++, make, python3)',
    );
  }
  return createRequire(import.meta.url)(found) as NativeAddon;
}

export const native: NativeAddon = load();
