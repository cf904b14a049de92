// Bytes a piece of code allocates on the V8 heap, and how many collections it triggered:
// heap used after − heap used before + what every collection during the run freed
// (v8.GCProfiler reports used heap before and after each one). The heap is collected
// first (gc exposed through --expose-gc set at run time), so the run starts from a clean
// young generation. Allocation by the JIT compiling code is counted too: warm up first.
import v8 from 'node:v8';
import vm from 'node:vm';

export interface AllocationResult {
  bytes: number;
  gcCount: number;
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
