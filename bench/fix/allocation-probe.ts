// How much a synchronous run allocated on the V8 heap, and how many GCs it caused:
// v8.GCProfiler records the heap before and after every GC, so the bytes allocated are
// the growth of the used heap plus what each GC freed. The run must be synchronous so
// that nothing else (timers, I/O callbacks) allocates in between. A full GC first empties
// the young generation, so a run that allocates a few bytes cannot trigger a scavenge
// just because the space was nearly full when it started.
import v8 from 'node:v8';
import vm from 'node:vm';

export interface AllocationCount {
  gcCount: number;
  allocatedBytes: number;
}

let collectGarbage: (() => void) | undefined;

function fullGc(): void {
  if (collectGarbage === undefined) {
    v8.setFlagsFromString('--expose-gc');
    collectGarbage = vm.runInNewContext('gc') as () => void;
  }
  collectGarbage();
}

export function countAllocation(run: () => void): AllocationCount {
  fullGc();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const usedBefore = v8.getHeapStatistics().used_heap_size;
  run();
  const usedAfter = v8.getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  let freed = 0;
  for (const gc of statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  return { gcCount: statistics.length, allocatedBytes: Math.max(0, usedAfter - usedBefore + freed) };
}
