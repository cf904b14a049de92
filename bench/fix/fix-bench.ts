// `npm run bench -- fix`: parse + validate + read of a NewOrderSingle, an ExecutionReport
// and a MarketDataIncrementalRefresh by our FixParser (marketfeed) and by jspurefix on the
// same bytes, in the same run, and a long mixed loop of typed reads. Every handler of every
// case is warmed up before the first measurement; then, case by case, throughput and
// per-message latency in turns alternating between the impls, and each impl's marginal
// heap allocation per message.
import { loadFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { type LatencySummary, LatencyRecorder } from '../../runtime/stats/latency-recorder.ts';
import { dataPath } from '../../test/helpers/shared-data.ts';
import type { BenchOptions, BenchReport, ResultRow } from '../lib/bench-report.ts';
import { type MarginalAllocation, reportedBytesPerUnit } from '../lib/heap-allocation.ts';
import { smokeOrFullTimes } from '../lib/load-spec.ts';
import { cpuBusyShare } from '../../runtime/cpu/cpu-load.ts';
import { addBaselineRatios, resultRow } from '../lib/result-rows.ts';
import { formatNs, formatRatio } from '../lib/table-printer.ts';
import { type FixCase, FIX_CASES } from './fix-cases.ts';
import { FIX44_DICTIONARY, type FixMessages, loadFixMessages, MD_ENTRIES, SESSION_LOG } from './fix-corpus.ts';
import { BASELINE_IMPL, type Dictionaries, FIX_IMPLS, type FixImpl } from './fix-impls.ts';
import { marketfeedHandler } from './marketfeed-handler.ts';
import {
  type Contender,
  MIN_ALLOCATION_MESSAGES,
  MIN_COUNTED_MESSAGES,
  measureClockPair,
  measureLatencyInTurns,
  measureMarginalAllocation,
  measureThroughputInTurns,
  type MessageHandler,
  recordLatency,
  type ThroughputResult,
  TURN_S,
  warmUp,
} from './message-loop.ts';
import { checkFixTargets } from './fix-targets.ts';

const CLOCK_CASE = 'clock';
/** CPU share other processes may take before the run without a warning (as the other benches). */
const BUSY_MACHINE_SHARE = 0.1;
/** Share of the warm-up spent warming the latency loop, and warming again right before a case. */
const LATENCY_WARMUP_SHARE = 0.5;
const CASE_REWARM_SHARE = 0.5;

interface Measured {
  throughput: ThroughputResult;
  allocation: MarginalAllocation;
  latency?: LatencySummary;
}

/** One impl's handler for one case, built and checked before anything is timed. */
interface Prepared {
  impl: FixImpl;
  handle: MessageHandler;
  messages: readonly Buffer[];
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const { warmupS, durationS } = smokeOrFullTimes(options.quick);
  const busyBefore = await cpuBusyShare();
  const corpus = loadFixMessages();
  const dictionaryPath = dataPath(FIX44_DICTIONARY);
  const dictionaries: Dictionaries = { dictionary: loadFixDictionary(dictionaryPath), dictionaryPath };
  const errors: string[] = [];

  const prepared = new Map<FixCase, Prepared[]>();
  for (const fixCase of FIX_CASES) {
    const messages = fixCase.messages(corpus);
    const impls: Prepared[] = [];
    for (const impl of FIX_IMPLS) {
      try {
        const handle = await impl.createHandler(dictionaries, fixCase.reading);
        checkSameValues(handle, impl, fixCase, messages, dictionaries);
        impls.push({ impl, handle, messages });
      } catch (error) {
        errors.push(`${fixCase.name} ${impl.name}: ${(error as Error).message}`);
      }
    }
    prepared.set(fixCase, impls);
  }

  // Every handler of every case warm before the first measurement, so that no impl's first
  // case is measured while its code (or the peer's lazily built dictionary paths) is cold.
  process.stdout.write('warming up every impl of every case…\n');
  const scratch = await LatencyRecorder.create();
  for (const [fixCase, impls] of prepared) {
    for (const { handle, messages } of impls) {
      warmUp(handle, messages, warmupS * (fixCase.lengthFactor ?? 1));
      if (fixCase.perMessageLatency) recordLatency(scratch, handle, messages, warmupS * LATENCY_WARMUP_SHARE);
    }
  }
  scratch.destroy();

  const rows: ResultRow[] = [];
  const measured = new Map<string, Measured>();
  for (const [fixCase, impls] of prepared) {
    if (impls.length === 0) continue;
    process.stdout.write(`measuring ${fixCase.name}: ${impls.map(({ impl }) => impl.name).join(', ')} in turns…\n`);
    try {
      const factor = fixCase.lengthFactor ?? 1;
      // Warm again briefly: the cases measured since the first warm-up ran many full GCs,
      // after which V8 may have flushed code that did not run; this also gives the first turn's size.
      const contenders: Contender[] = impls.map(({ handle, messages }) => ({
        handle,
        messages,
        warmupRate: warmUp(handle, messages, warmupS * factor * CASE_REWARM_SHARE),
      }));
      const throughput = measureThroughputInTurns(contenders, durationS * factor);
      const latency = fixCase.perMessageLatency ? await measureLatencyInTurns(contenders, durationS) : undefined;
      impls.forEach(({ impl, handle, messages }, index) => {
        const allocation = measureMarginalAllocation(handle, messages, throughput[index].msgsPerS, durationS * factor);
        measured.set(key(fixCase.name, impl.name), { throughput: throughput[index], allocation, latency: latency?.[index] });
        rows.push(resultRow(fixCase.name, impl.name, { received: throughput[index].messages, msgsPerS: throughput[index].msgsPerS }));
      });
    } catch (error) {
      errors.push(`${fixCase.name}: ${(error as Error).message}`);
    }
  }
  // Throughput ratios while the rows have no p50: with one, addBaselineRatios compares p50s instead.
  addBaselineRatios(rows, BASELINE_IMPL);
  for (const row of rows) addMeasuredFigures(row, measured.get(key(row.case, row.impl)));
  process.stdout.write('measuring clock…\n');
  const clock = await measureClockPair(durationS);
  rows.push(resultRow(CLOCK_CASE, 'monotonicNs', { received: clock.count, latency: clock }));
  return {
    rows,
    baseline: BASELINE_IMPL,
    caseTitles: {
      ...Object.fromEntries(FIX_CASES.map((fixCase) => [fixCase.name, fixCase.title])),
      [CLOCK_CASE]: 'two back-to-back monotonicNs reads, the pair around each message in the latency loop',
    },
    notes: notes(options.quick, corpus, clock, rows, busyBefore),
    targets: checkFixTargets(rows, BASELINE_IMPL),
    errors,
  };
}

function key(caseName: string, impl: string): string {
  return `${caseName}\n${impl}`;
}

/** Every impl must read the same values as marketfeed (their handlers fold them the same way), or the race is not fair. */
function checkSameValues(handle: MessageHandler, impl: FixImpl, fixCase: FixCase, messages: readonly Buffer[], dictionaries: Dictionaries): void {
  const reference = marketfeedHandler(dictionaries.dictionary, fixCase.reading);
  for (const message of messages) {
    const theirs = handle(message);
    const ours = reference(message);
    if (theirs !== ours) throw new Error(`${impl.name} read other values than marketfeed from MsgType ${msgTypeOf(message)} (${theirs} ≠ ${ours})`);
  }
}

function msgTypeOf(message: Buffer): string {
  return message.toString('latin1').split('\x01').find((field) => field.startsWith('35='))?.slice(3) ?? '?';
}

function addMeasuredFigures(row: ResultRow, measured: Measured | undefined): void {
  if (measured === undefined) return;
  const { throughput, allocation, latency } = measured;
  row.gc_count = throughput.gcCount;
  row.heap_bytes_per_msg = reportedBytesPerUnit(allocation.bytesPerUnit);
  row.marginal_msgs = allocation.units;
  row.counted_msgs = throughput.messages;
  if (latency !== undefined) {
    const { p50_ns, p99_ns, p999_ns, max_ns } = resultRow(row.case, row.impl, { received: latency.count, latency });
    Object.assign(row, { p50_ns, p99_ns, p999_ns, max_ns });
  }
}

function notes(quick: boolean, corpus: FixMessages, clock: LatencySummary, rows: readonly ResultRow[], busyBefore: number | undefined): string[] {
  const { warmupS, durationS } = smokeOrFullTimes(quick);
  const longFactor = FIX_CASES.find((fixCase) => fixCase.lengthFactor !== undefined)?.lengthFactor ?? 1;
  const lines = [
    `messages: the NewOrderSingle (${corpus.newOrderSingle.length} bytes) and ExecutionReport (${corpus.executionReport.length} bytes) are the first of each in ` +
      `${SESSION_LOG} (a real FIX 4.4 session with FIXSIM's demo acceptor); the samples have no MarketDataIncrementalRefresh with prices, so that one ` +
      `(${corpus.marketDataIncrementalRefresh.length} bytes, ${MD_ENTRIES} entries of action, side, id, symbol, price, size, time, level) is written by our FixEncoder; ` +
      `both impls parse the same SOH-delimited bytes with the FIX 4.4 dictionary`,
    'marketfeed = FixParser.parse (checks BeginString, BodyLength = body size, MsgType third, CheckSum; field offsets into a reused FixMessageView) and its typed accessors; ' +
      "NoMDEntries entries are walked by field index with the dictionary's group layout (delimiter and member tags)",
    "jspurefix = its AsciiParser's 'msg' MsgView, fields read with getTyped (timestamps as Dates, its API), entries with getView('NoMDEntries').getGroupInstance(i); " +
      "validated as jspurefix validates: its parser checks the order of 8, 9, 35 and CheckSum is compared with view.checksum() as its session does; it never checks " +
      'BodyLength, so it does less checking than marketfeed; jspurefix-toObject = the same, then view.toObject() and the fields read from that object',
    'the handlers of all impls fold the values they read into one number, checked equal before timing: every impl reads the same fields',
    `warm-up: every impl of every case runs ${warmupS} s (and ${warmupS * LATENCY_WARMUP_SHARE} s in the latency loop) before the first case is measured, ` +
      `and again ${warmupS * CASE_REWARM_SHARE} s right before its own case; the same message is parsed again and again, so caches and branch predictors are warm ` +
      "for every impl (as in jspurefix's own benchmark); one loop function calls every impl's handler, so no impl is inlined into it",
    `msgs/s: the impls of a case take turns of ${TURN_S} s each, in order, a full GC before each turn, each turn a loop of a fixed count with no clock read per message, ` +
      `timed at its ends; an impl's msgs/s = its counted_msgs ÷ the sum of its turns; rounds go on until every impl has run at least ${durationS} s and at least ` +
      `${MIN_COUNTED_MESSAGES.toLocaleString('en-US')} messages, so all impls of a case run equally long; gc_count = collections during those turns, ` +
      "reported only, not judged: each turn starts from a full GC's empty young generation, which V8 has grown (to tens of MB) after the peers' garbage, " +
      'so a turn can allocate tens of MB without one collection',
    `heap_bytes_per_msg: the marginal allocation, measured apart after the turns with no clock: V8 heap bytes allocated (heap used after − before + bytes freed by ` +
      `each collection, v8.GCProfiler, after a full GC) by a loop of 2N messages minus those of a loop of N messages, ÷ N (N = marginal_msgs: a third of ` +
      `${durationS} s at the impl's rate, at least ${MIN_ALLOCATION_MESSAGES.toLocaleString('en-US')}, whole passes over the case's messages); the loop's fixed cost (profiler, compiled code) is in both and cancels, ` +
      'so one 16-byte object every 32 messages shows as 0.5 B; differences below 0 (noise of a few kB over N) show as 0',
    `p50…max: each message between two monotonicNs reads (HdrHistogram), ${durationS} s per impl in turns of about ${TURN_S} s; ` +
      `steady-state-allocation runs ${longFactor}× longer (warm-up, turns and both allocation loops) and has no latency loop`,
    `per-message percentiles include the clock pair (case ${CLOCK_CASE}: p50 ${formatNs(clock.p50_ns)}, p99 ${formatNs(clock.p99_ns)}), not subtracted: a percentile of a ` +
      'difference is not the difference of percentiles; 1e9 ÷ msgs/s is the mean cost without it',
    "marketfeed's new-order-single and execution-report rows allocate the strings they ask for (ClOrdID, Symbol, …); new-order-single-parse (parse + validate), " +
      `md-incremental-${MD_ENTRIES} (chars and decimals only; a one-character string comes from V8's table, not the heap) and steady-state-allocation read no ` +
      'string and are held to < 0.5 B per message',
    ratioSummary(rows),
  ];
  if (busyBefore !== undefined && busyBefore > BUSY_MACHINE_SHARE) {
    lines.push(`other processes kept the CPUs ${Math.round(busyBefore * 100)}% busy just before the run: the figures are lower and noisier than on a quiet machine`);
  }
  return lines;
}

/** marketfeed's throughput against each jspurefix row, per case, on one line. */
function ratioSummary(rows: readonly ResultRow[]): string {
  const parts = FIX_CASES.map((fixCase) => {
    const rate = (impl: string): number | undefined => rows.find((row) => row.case === fixCase.name && row.impl === impl)?.msgs_per_s;
    const ours = rate('marketfeed');
    const peers = FIX_IMPLS.filter((impl) => impl.name !== 'marketfeed').map((impl) => {
      const theirs = rate(impl.name);
      return ours === undefined || theirs === undefined ? `${impl.name} —` : `${formatRatio(ours / theirs)} ${impl.name}`;
    });
    return `${fixCase.name} ${peers.join(', ')}`;
  });
  return `marketfeed throughput: ${parts.join('; ')}`;
}
