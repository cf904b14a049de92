// `npm run bench -- fix-store`: the cost of keeping a FIX session's sent messages in a
// FileMessageStore. append: one message stored and the sender MsgSeqNum incremented, under
// each fsync policy, beside plain fs.writeSync of the same bytes (node-fs, the baseline) and
// writeSync + fdatasync, timed one append at a time in alternating turns. open: reopening a
// store of OPEN_MESSAGES messages (every record read and CRC-checked) beside fs.readFileSync
// of the same file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { BenchOptions, BenchReport, ResultRow } from '../lib/bench-report.ts';
import { measurementTimes } from '../lib/load-spec.ts';
import { addBaselineRatios, resultRow } from '../lib/result-rows.ts';
import { machineNotes } from '../lib/run-notes.ts';
import { formatNs, formatRatio } from '../lib/table-printer.ts';
import { atLeast, atMost } from '../lib/targets.ts';
import { withTemporaryDirectory } from '../lib/temporary-directory.ts';
import { cpuBusyShare } from '../../runtime/cpu/cpu-load.ts';
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { LatencyRecorder, initLatencyRecording } from '../../runtime/stats/latency-recorder.ts';
import { FileMessageStore } from '../../runtime/fix/session/file-message-store.ts';
import { FLUSH_EVERY, MESSAGE, plainWriter, storeWriter, type AppendWriter } from './fix-store-writers.ts';

const BASELINE = 'node-fs';
const APPEND_CASE = 'append';
const OPEN_CASE = 'open';
const ROUND_S = 0.25;
const OPEN_MESSAGES = 200_000;

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const busyBefore = await cpuBusyShare();
  await initLatencyRecording();
  const { warmupS, durationS } = measurementTimes(options.quick);
  return withTemporaryDirectory(os.tmpdir(), 'marketfeed-fix-store-bench-', (directory) => {
    const rows = [...measureAppends(directory, warmupS, durationS), ...measureOpen(directory, options.quick ? OPEN_MESSAGES / 10 : OPEN_MESSAGES)];
    addBaselineRatios(rows, BASELINE);
    const notes = [
      `files in ${os.tmpdir()} (${fs.statfsSync(os.tmpdir()).type === 0xef53 ? 'ext4' : 'file system type 0x' + fs.statfsSync(os.tmpdir()).type.toString(16)}); a ${MESSAGE.length}-byte message per append`,
      `append: each impl ${warmupS} s warm-up, then ${durationS} s in turns of ${ROUND_S} s alternating between impls; each append timed on its own (monotonicNs around it); ` +
        `marketfeed-* = set() + incrNextSenderMsgSeqNum(): two records, two writes (and two fdatasyncs under always); marketfeed-flush calls flush() every ${FLUSH_EVERY} messages`,
      `open: a store of its message count reopened (header, every record read and CRC-checked, index built), msgs/s = records ÷ time; node-fs = fs.readFileSync of the same file`,
      ...machineNotes(busyBefore).filter((line) => line.startsWith('other processes')),
    ];
    const ours = (impl: string, caseName = APPEND_CASE): ResultRow | undefined => rows.find((row) => row.case === caseName && row.impl === impl);
    return Promise.resolve({
      rows,
      baseline: BASELINE,
      caseTitles: {
        [APPEND_CASE]: 'one sent message stored (and the sender MsgSeqNum incremented) per fsync policy, beside plain writeSync (and writeSync + fdatasync) of the same bytes',
        [OPEN_CASE]: 'reopening a store: every record read and checked, beside reading the file',
      },
      notes,
      targets: [
        atMost('append p50 ≤ 10 µs without fsync (never)', ours('marketfeed-never')?.p50_ns, 10_000, formatNs),
        atMost('append p50 ≤ 10 µs under the default policy (flush)', ours('marketfeed-flush')?.p50_ns, 10_000, formatNs),
        atLeast(`reopening (every record read and CRC-checked) ≥ 0.5× the speed of reading the file (${BASELINE})`, ours('marketfeed', OPEN_CASE)?.[`ratio_vs_${BASELINE}`], 0.5, formatRatio),
      ],
      errors: [],
    });
  });
}

function measureAppends(directory: string, warmupS: number, durationS: number): ResultRow[] {
  const writers: AppendWriter[] = [plainWriter(directory, false), storeWriter(directory, 'never'), storeWriter(directory, 'flush'), storeWriter(directory, 'always'), plainWriter(directory, true)];
  const recorders = writers.map(() => new LatencyRecorder());
  const timed = writers.map(() => ({ appends: 0, ns: 0 }));
  for (const writer of writers) appendFor(writer, warmupS, undefined);
  const rounds = Math.max(1, Math.round(durationS / ROUND_S));
  for (let round = 0; round < rounds; round++) {
    writers.forEach((writer, index) => {
      const { appends, ns } = appendFor(writer, durationS / rounds, recorders[index]);
      timed[index].appends += appends;
      timed[index].ns += ns;
    });
  }
  return writers.map((writer, index) => {
    writer.close();
    const latency = recorders[index].totalSummary();
    recorders[index].destroy();
    return resultRow(APPEND_CASE, writer.impl, { received: timed[index].appends, msgsPerS: timed[index].appends / (timed[index].ns / 1e9), latency });
  });
}

function appendFor(writer: AppendWriter, seconds: number, recorder: LatencyRecorder | undefined): { appends: number; ns: number } {
  const end = monotonicNs() + seconds * 1e9;
  let appends = 0;
  let ns = 0;
  for (let now = monotonicNs(); now < end; ) {
    writer.append();
    const after = monotonicNs();
    recorder?.record(after - now);
    ns += after - now;
    appends++;
    now = after;
  }
  return { appends, ns };
}

function measureOpen(directory: string, messages: number): ResultRow[] {
  const storeDirectory = path.join(directory, 'open');
  const silent = pino({ level: 'silent' });
  const store = new FileMessageStore(storeDirectory, { fsync: 'never', logger: silent });
  for (let seq = 1; seq <= messages; seq++) {
    store.set(seq, MESSAGE);
    store.incrNextSenderMsgSeqNum();
  }
  store.close();
  const file = path.join(storeDirectory, 'messages.log');
  const best = { marketfeed: Infinity, [BASELINE]: Infinity };
  // Best of three alternating turns: the file is in the page cache after the first.
  for (let turn = 0; turn < 4; turn++) {
    let start = monotonicNs();
    new FileMessageStore(storeDirectory, { logger: silent }).close();
    if (turn > 0) best.marketfeed = Math.min(best.marketfeed, monotonicNs() - start);
    start = monotonicNs();
    fs.readFileSync(file);
    if (turn > 0) best[BASELINE] = Math.min(best[BASELINE], monotonicNs() - start);
  }
  return Object.entries(best).map(([impl, ns]) => ({ ...resultRow(OPEN_CASE, impl, { received: messages, msgsPerS: messages / (ns / 1e9) }), messages, file_bytes: fs.statSync(file).size }));
}
