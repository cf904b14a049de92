// The loops that time a message handler: a warm-up; a throughput loop with no clock read
// per message, in turns that alternate between the impls of a case; a loop timing each
// message with a pair of monotonicNs reads into an HdrHistogram, in turns too; the same
// pair around nothing, so the clock's own cost is measured in the same run; and the
// marginal heap allocation per message (bench/lib/heap-allocation.ts).
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { type LatencySummary, LatencyRecorder } from '../../runtime/stats/latency-recorder.ts';
import { collectGarbage, type MarginalAllocation, marginalAllocation, measureAllocation } from '../lib/heap-allocation.ts';

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

/** One impl of a case, as the turn loops take it. */
export interface Contender {
  handle: MessageHandler;
  messages: readonly Buffer[];
  /** Messages per second, from the warm-up: sizes the first turn. */
  warmupRate: number;
}

export interface ThroughputResult {
  messages: number;
  msgsPerS: number;
  /** Collections during the timed turns (reported, not judged: see heap-allocation.ts). */
  gcCount: number;
}

/** Messages between two clock reads in the warm-up and latency loops. */
const BATCH = 256;
/** Length of one impl's turn in the throughput and latency loops. */
export const TURN_S = 0.25;
/** No throughput turn shorter than this (the last one of an impl is cut to what it still needs). */
const MIN_TURN_S = 0.05;
/** Every impl's throughput figure is over at least this many messages, whatever its rate. */
export const MIN_COUNTED_MESSAGES = 20_000;
/** The marginal allocation is over at least this many messages (N, of the N and 2N runs). */
export const MIN_ALLOCATION_MESSAGES = 5_000;

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

/** Runs the handler for `seconds`; returns its rate. */
export function warmUp(handle: MessageHandler, messages: readonly Buffer[], seconds: number): number {
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

/** A whole number of passes over `length` messages, at least one, covering at least `count` messages. */
function wholePasses(count: number, length: number): number {
  return Math.max(1, Math.ceil(count / length)) * length;
}

/**
 * Every contender's throughput over at least `seconds` and at least MIN_COUNTED_MESSAGES,
 * in rounds where each takes a turn of the same length (TURN_S, the last round cut to what
 * the slowest still needs), in order, a full GC before each: load from other processes
 * falls on every impl alike, and all run equally long (a fast impl simply counts more).
 * Each turn is a loop of a fixed count, sized from the rate so far, timed only at its ends;
 * an impl's figure is the sum of its turns.
 */
export function measureThroughputInTurns(contenders: readonly Contender[], seconds: number): ThroughputResult[] {
  const totals = contenders.map(({ warmupRate }) => ({ messages: 0, timedNs: 0, gcCount: 0, warmupRate }));
  const rateOf = (total: (typeof totals)[number]): number => (total.messages > 0 ? total.messages / (total.timedNs / 1e9) : total.warmupRate);
  const stillNeededS = (total: (typeof totals)[number]): number =>
    Math.max(seconds - total.timedNs / 1e9, (MIN_COUNTED_MESSAGES - total.messages) / rateOf(total));
  for (let neededS = Math.max(...totals.map(stillNeededS)); neededS > 0; neededS = Math.max(...totals.map(stillNeededS))) {
    const turnS = Math.min(TURN_S, Math.max(MIN_TURN_S, neededS));
    contenders.forEach(({ handle, messages }, index) => {
      const total = totals[index];
      const count = wholePasses(rateOf(total) * turnS, messages.length);
      let elapsedNs = 0;
      const { gcCount } = measureAllocation(() => {
        const start = monotonicNs();
        handlerResults = runMessages(handle, messages, 0, count);
        elapsedNs = monotonicNs() - start;
      });
      total.messages += count;
      total.timedNs += elapsedNs;
      total.gcCount += gcCount;
    });
  }
  return totals.map(({ messages, timedNs, gcCount }) => ({ messages, msgsPerS: messages / (timedNs / 1e9), gcCount }));
}

/**
 * Heap bytes per message beyond the loop's fixed cost: runMessages over N messages and
 * over 2N (N = about `seconds` ÷ 3 at `rate`, whole passes over the messages, at least
 * MIN_ALLOCATION_MESSAGES), no clock read, the difference ÷ N.
 */
export function measureMarginalAllocation(handle: MessageHandler, messages: readonly Buffer[], rate: number, seconds: number): MarginalAllocation {
  const count = wholePasses(Math.max(MIN_ALLOCATION_MESSAGES, (rate * seconds) / 3), messages.length);
  return marginalAllocation((n) => {
    handlerResults = runMessages(handle, messages, 0, n);
  }, count);
}

/**
 * Each message timed on its own, `seconds` per contender in all, in turns of about TURN_S
 * taken in order (a full GC before each): the clock pair's cost is included in every value.
 */
export async function measureLatencyInTurns(contenders: readonly Contender[], seconds: number): Promise<LatencySummary[]> {
  const recorders: LatencyRecorder[] = [];
  try {
    for (const _ of contenders) recorders.push(await LatencyRecorder.create());
    const turns = Math.max(1, Math.round(seconds / TURN_S));
    for (let turn = 0; turn < turns; turn++) {
      contenders.forEach(({ handle, messages }, index) => {
        collectGarbage();
        recordLatency(recorders[index], handle, messages, seconds / turns);
      });
    }
    return recorders.map((recorder) => recorder.totalSummary());
  } finally {
    for (const recorder of recorders) recorder.destroy();
  }
}

/** Each message between two monotonicNs reads into `recorder`, for `seconds` (also the latency loop's warm-up). */
export function recordLatency(recorder: LatencyRecorder, handle: MessageHandler, messages: readonly Buffer[], seconds: number): void {
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
