// Bytes a piece of code allocates on the V8 heap, and how many collections ran meanwhile.
//   measureAllocation: heap used after − heap used before + what every collection during
//     the run freed (v8.GCProfiler reports used heap before and after each one), after a
//     forced full GC (gc exposed through --expose-gc set at run time). This total includes
//     a fixed part that has nothing to do with the code measured (the profiler, code the JIT
//     compiles or recompiles, feedback), and its collection count says little: a full GC
//     empties the young generation but does not shrink it, so after a peer's garbage has
//     grown it, a run can allocate tens of MB without a single scavenge.
//   marginalAllocation: the figure to judge. The same run of 2N units minus a run of N,
//     divided by N: the fixed part is in both runs and cancels, and what is left is what
//     each further unit (message, pass) allocates, whatever the young generation's size.
import v8 from 'node:v8';
import vm from 'node:vm';

export interface AllocationResult {
  bytes: number;
  gcCount: number;
}

export interface MarginalAllocation {
  /** (bytes of the 2N run − bytes of the N run) ÷ N; can be slightly negative by noise, never rounded away here. */
  bytesPerUnit: number;
  /** N, the units the difference is over. */
  units: number;
  /** The run of N units. */
  single: AllocationResult;
  /** The run of 2N units. */
  double: AllocationResult;
}

let forcedGc: (() => void) | undefined;

/** A full collection, through the gc function --expose-gc provides. */
export function collectGarbage(): void {
  if (forcedGc === undefined) {
    v8.setFlagsFromString('--expose-gc');
    forcedGc = vm.runInNewContext('gc') as () => void;
  }
  forcedGc();
}

export function measureAllocation(run: () => void): AllocationResult {
  collectGarbage();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const before = v8.getHeapStatistics().used_heap_size;
  run();
  // Read before stop(), whose report is allocated on the heap too.
  const after = v8.getHeapStatistics().used_heap_size;
  const result = profiler.stop();
  let freed = 0;
  for (const gc of result.statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  return { bytes: Math.max(0, after - before + freed), gcCount: result.statistics.length };
}

/**
 * What `run` allocates per unit beyond its fixed cost: run(count) and run(2 × count), each
 * under measureAllocation, and the difference over `count`. `run(n)` must do n units of the
 * same work (for a loop over a corpus, a whole number of passes), and be warmed up already.
 */
export function marginalAllocation(run: (count: number) => void, count: number): MarginalAllocation {
  if (!Number.isInteger(count) || count < 1) throw new Error(`marginalAllocation: count ${count} is not a positive integer`);
  const single = measureAllocation(() => run(count));
  const double = measureAllocation(() => run(2 * count));
  return { bytesPerUnit: (double.bytes - single.bytes) / count, units: count, single, double };
}

/**
 * A marginal figure for a results file: 3 decimals (0.001 B is one 16-byte object every
 * 16,000 units); a difference below zero is noise (a few kB over N) and is written as 0.
 */
export function reportedBytesPerUnit(bytesPerUnit: number): number {
  return Math.max(0, Math.round(bytesPerUnit * 1000) / 1000);
}
