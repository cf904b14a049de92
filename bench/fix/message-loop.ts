// The loops that time a message handler: a warm-up, a throughput loop with no clock read
// per message (its GCs and heap allocation counted), and a loop timing each message with
// a pair of monotonicNs reads into an HdrHistogram; plus the same pair around nothing, so
// the clock's own cost is measured in the same run.
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { type LatencySummary, LatencyRecorder } from '../../runtime/stats/latency-recorder.ts';
import { measureAllocation } from '../lib/heap-allocation.ts';

/**
 * Parses and validates one message and reads its fields; returns foldResult of a sum of
 * them, so that no work can be dropped and the same fields give the same result in every impl.
 */
export type MessageHandler = (message: Buffer) => number;

/**
 * A handler's sum folded into a small integer: a double returned across a call that V8
 * did not inline is boxed (a 16-byte HeapNumber per message), a small integer is not, so
 * the harness adds no allocation of its own to the heap figures.
 */
export function foldResult(sum: number): number {
  return sum & 0x3fffffff;
}

export interface ThroughputResult {
  messages: number;
  msgsPerS: number;
  gcCount: number;
  allocatedBytes: number;
}

/** Messages between two clock reads in the warm-up and latency loops. */
const BATCH = 256;

/** Where every loop leaves its total of handler results, read once per loop (not per message). */
export let handlerResults = 0;

/**
 * The handler over the messages in turn, `count` times, from message `first`. The warm-up
 * runs this same function, so the measured loop starts in optimized code instead of
 * boxing numbers in the interpreter until on-stack replacement.
 */
function runMessages(handle: MessageHandler, messages: readonly Buffer[], first: number, count: number): number {
  let index = first;
  let total = 0;
  for (let k = 0; k < count; k++) {
    total = (total + handle(messages[index])) & 0x3fffffff;
    if (++index === messages.length) index = 0;
  }
  return total;
}

/** Runs the handler for `seconds`; returns its rate, which sizes the measured loop. */
function warmUp(handle: MessageHandler, messages: readonly Buffer[], seconds: number): number {
  const start = monotonicNs();
  const deadline = start + seconds * 1e9;
  let count = 0;
  let now: number;
  do {
    handlerResults = runMessages(handle, messages, count % messages.length, BATCH);
    count += BATCH;
    now = monotonicNs();
  } while (now < deadline);
  return count / ((now - start) / 1e9);
}

/** Warm-up, then a loop of a fixed count (about `durationS` at the warm-up rate) timed only at its ends. */
export function measureThroughput(handle: MessageHandler, messages: readonly Buffer[], warmupS: number, durationS: number): ThroughputResult {
  const rate = warmUp(handle, messages, warmupS);
  const count = Math.max(1, Math.round((rate * durationS) / messages.length)) * messages.length;
  let elapsedNs = 0;
  const { gcCount, bytes: allocatedBytes } = measureAllocation(() => {
    const start = monotonicNs();
    handlerResults = runMessages(handle, messages, 0, count);
    elapsedNs = monotonicNs() - start;
  });
  return { messages: count, msgsPerS: count / (elapsedNs / 1e9), gcCount, allocatedBytes };
}

/** Each message timed on its own for `seconds`: the clock pair's cost is included in every value. */
export async function measureLatency(handle: MessageHandler, messages: readonly Buffer[], seconds: number): Promise<LatencySummary> {
  const recorder = await LatencyRecorder.create();
  try {
    const deadline = monotonicNs() + seconds * 1e9;
    let index = 0;
    let total = 0;
    let end = 0;
    do {
      for (let k = 0; k < BATCH; k++) {
        const start = monotonicNs();
        total = (total + handle(messages[index])) & 0x3fffffff;
        end = monotonicNs();
        recorder.record(end - start);
        if (++index === messages.length) index = 0;
      }
    } while (end < deadline);
    handlerResults = total;
    return recorder.totalSummary();
  } finally {
    recorder.destroy();
  }
}

/** Two back-to-back monotonicNs reads, as the latency loop takes them around each message. */
export async function measureClockPair(seconds: number): Promise<LatencySummary> {
  const recorder = await LatencyRecorder.create();
  try {
    const deadline = monotonicNs() + seconds * 1e9;
    let end = 0;
    do {
      for (let k = 0; k < BATCH; k++) {
        const start = monotonicNs();
        end = monotonicNs();
        recorder.record(end - start);
      }
    } while (end < deadline);
    return recorder.totalSummary();
  } finally {
    recorder.destroy();
  }
}
