// `npm run bench -- fix`: parse + validate + read of a NewOrderSingle, an ExecutionReport
// and a MarketDataIncrementalRefresh by our FixParser (marketfeed) and by jspurefix on the
// same bytes, in the same run, and a long mixed loop that counts GCs and heap bytes.
import { loadFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import type { LatencySummary } from '../../runtime/stats/latency-recorder.ts';
import { dataPath } from '../../test/helpers/shared-data.ts';
import type { BenchOptions, BenchReport, ResultRow } from '../lib/bench-report.ts';
import { measurementTimes } from '../lib/load-spec.ts';
import { cpuBusyShare } from '../lib/machine.ts';
import { measureCases } from '../lib/measure-cases.ts';
import { addBaselineRatios, resultRow } from '../lib/result-rows.ts';
import { formatNs, formatRatio } from '../lib/table-printer.ts';
import { type FixCase, FIX_CASES } from './fix-cases.ts';
import { FIX44_DICTIONARY, type FixMessages, loadFixMessages, MD_ENTRIES, SESSION_LOG } from './fix-corpus.ts';
import { BASELINE_IMPL, type Dictionaries, FIX_IMPLS, type FixImpl } from './fix-impls.ts';
import { marketfeedHandler } from './marketfeed-handler.ts';
import { measureClockPair, measureLatency, measureThroughput, type MessageHandler, type ThroughputResult } from './message-loop.ts';
import { checkFixTargets } from './fix-targets.ts';

const CLOCK_CASE = 'clock';
/** CPU share other processes may take before the run without a warning (as the other benches). */
const BUSY_MACHINE_SHARE = 0.1;

interface Measured {
  throughput: ThroughputResult;
  latency?: LatencySummary;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const { warmupS, durationS } = measurementTimes(options.quick);
  const busyBefore = await cpuBusyShare();
  const corpus = loadFixMessages();
  const dictionaryPath = dataPath(FIX44_DICTIONARY);
  const dictionaries: Dictionaries = { dictionary: loadFixDictionary(dictionaryPath), dictionaryPath };
  const measured = new Map<string, Measured>();
  const { rows, errors } = await measureCases(FIX_CASES, FIX_IMPLS, async (fixCase, impl) => {
    const messages = fixCase.messages(corpus);
    const handle = await impl.createHandler(dictionaries, fixCase.reading);
    checkSameValues(handle, impl, fixCase, messages, dictionaries);
    const factor = fixCase.lengthFactor ?? 1;
    const throughput = measureThroughput(handle, messages, warmupS * factor, durationS * factor);
    const latency = fixCase.perMessageLatency ? await measureLatency(handle, messages, durationS) : undefined;
    measured.set(key(fixCase.name, impl.name), { throughput, latency });
    return { received: throughput.messages, msgsPerS: throughput.msgsPerS };
  });
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
  const { throughput, latency } = measured;
  row.gc_count = throughput.gcCount;
  row.heap_bytes_per_msg = Math.round((throughput.allocatedBytes / throughput.messages) * 100) / 100;
  row.counted_msgs = throughput.messages;
  if (latency !== undefined) {
    const { p50_ns, p99_ns, p999_ns, max_ns } = resultRow(row.case, row.impl, { received: latency.count, latency });
    Object.assign(row, { p50_ns, p99_ns, p999_ns, max_ns });
  }
}

function notes(quick: boolean, corpus: FixMessages, clock: LatencySummary, rows: readonly ResultRow[], busyBefore: number | undefined): string[] {
  const { warmupS, durationS } = measurementTimes(quick);
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
    `each row: ${warmupS} s warm-up; a loop of counted_msgs messages (about ${durationS} s) with no clock read per message gives msgs/s, and v8.GCProfiler around it ` +
      `(after a full GC) gives gc_count and heap_bytes_per_msg (V8 heap bytes allocated ÷ counted_msgs); then ${durationS} s with each message between two monotonicNs reads ` +
      `gives p50…max (HdrHistogram); steady-state-allocation runs ${FIX_CASES.find((fixCase) => fixCase.lengthFactor !== undefined)?.lengthFactor ?? 1}× longer; the same message is parsed again and again, so caches and branch predictors are warm for every impl (as in jspurefix's own benchmark)`,
    `per-message percentiles include the clock pair (case ${CLOCK_CASE}: p50 ${formatNs(clock.p50_ns)}, p99 ${formatNs(clock.p99_ns)}), not subtracted: a percentile of a ` +
      'difference is not the difference of percentiles; 1e9 ÷ msgs/s is the mean cost without it',
    "marketfeed's handler-field rows allocate only the strings they ask for (ClOrdID, Symbol, …); new-order-single-parse shows parse + validate alone; " +
      'steady-state-allocation reads no strings: any bytes it shows are doubles (timestamps, prices) returned by an accessor V8 did not inline and so boxed (16 B each), ' +
      'which depends on the JIT, not on our code (in a loop of its own, parse plus each accessor measured 0 B per message)',
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
