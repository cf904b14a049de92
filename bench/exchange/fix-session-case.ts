// The exchange bench's FIX cases, ours beside jspurefix in the same run (fix-order-drivers.ts):
//   fix-round-trip: one NewOrderSingle at a time; the time from send() to the
//     ExecutionReport's arrival at the initiator's application (two loopback hops, both
//     sessions' parsing, validation and encoding), HDR histogram;
//   fix-session-sustained: orders/s over one session with up to WINDOW orders outstanding
//     (each answered before its slot is reused), for a fixed time.
// Each impl runs in its own start/stop, alternating, so both see the same machine moments.
import type { BenchOptions, ResultRow } from '../lib/bench-report.ts';
import type { CaseReport } from './exchange-case.ts';
import { addBaselineRatios, resultRow } from '../lib/result-rows.ts';
import { formatNs, formatRatio } from '../lib/table-printer.ts';
import { atLeast, atMost } from '../lib/targets.ts';
import { LatencyRecorder, initLatencyRecording } from '../../runtime/stats/latency-recorder.ts';
import { type FixOrderDriver, JspurefixFixDriver, MarketfeedFixDriver, OUR_IMPL, PEER_IMPL } from './fix-order-drivers.ts';

export const ROUND_TRIP_CASE = 'fix-round-trip';
export const SUSTAINED_CASE = 'fix-session-sustained';
/** Orders in flight in the sustained case: enough to keep both sessions busy, far below any queue bound. */
const WINDOW = 64;

const now = (): number => Number(process.hrtime.bigint());

/** `count` round trips one after another (after `warmup` unmeasured ones). */
function roundTrips(driver: FixOrderDriver, warmup: number, count: number, recorder: LatencyRecorder): Promise<void> {
  return new Promise((resolve) => {
    let order = 0;
    let sentAt = 0;
    driver.onReport = () => {
      if (order > warmup) recorder.record(now() - sentAt);
      if (order === warmup + count) {
        resolve();
        return;
      }
      sentAt = now();
      driver.sendOrder(++order);
    };
    sentAt = now();
    driver.sendOrder(++order);
  });
}

/** Orders answered per second with WINDOW outstanding, for `durationMs`. */
function sustained(driver: FixOrderDriver, durationMs: number): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    let answered = 0;
    const start = now();
    const end = start + durationMs * 1e6;
    driver.onReport = () => {
      answered++;
      if (now() < end) driver.sendOrder(++sent);
      else if (answered === sent) resolve((answered * 1e9) / (now() - start));
    };
    for (let i = 0; i < WINDOW; i++) driver.sendOrder(++sent);
  });
}

export async function runCase(options: BenchOptions): Promise<CaseReport> {
  await initLatencyRecording();
  const [warmup, count, sustainMs] = options.quick ? [200, 1_000, 500] : [5_000, 50_000, 5_000];
  const rows: ResultRow[] = [];
  const errors: string[] = [];
  for (const make of [() => new MarketfeedFixDriver(), () => new JspurefixFixDriver()]) {
    const driver = make();
    try {
      await driver.start();
      const recorder = new LatencyRecorder();
      await roundTrips(driver, warmup, count, recorder);
      rows.push(resultRow(ROUND_TRIP_CASE, driver.impl, { received: count, latency: recorder.totalSummary() }));
      recorder.destroy();
      await sustained(driver, sustainMs / 5);
      const rate = await sustained(driver, sustainMs);
      rows.push(resultRow(SUSTAINED_CASE, driver.impl, { received: 0, msgsPerS: rate }));
    } catch (error) {
      errors.push(`${driver.impl}: ${(error as Error).message}`);
    } finally {
      await driver.stop();
    }
  }
  addBaselineRatios(rows, PEER_IMPL);
  const ours = (caseName: string) => rows.find((row) => row.case === caseName && row.impl === OUR_IMPL);
  return {
    rows,
    caseTitles: {
      [ROUND_TRIP_CASE]: 'NewOrderSingle sent → ExecutionReport received over loopback TCP, one at a time: our initiator ↔ our acceptor vs jspurefix ↔ jspurefix',
      [SUSTAINED_CASE]: `orders/s over one FIX session, ${WINDOW} orders outstanding, each answered by an ExecutionReport`,
    },
    notes: [
      `${ROUND_TRIP_CASE}: ${count.toLocaleString('en-US')} round trips after ${warmup.toLocaleString('en-US')} unmeasured, initiator and acceptor in one process (one event loop: the two hops ` +
        'and both sides\' work add up); FIX 4.4, both sides validating against the QuickFIX dictionary as configured by default; the acceptor answers each order with an ExecutionReport (New)',
      `${SUSTAINED_CASE}: ${sustainMs / 1000} s measured after a ${sustainMs / 5000} s warm-up`,
    ],
    targets: [
      atMost(`${ROUND_TRIP_CASE}: p50 ≤ 40 µs`, ours(ROUND_TRIP_CASE)?.p50_ns, 40_000, formatNs),
      atLeast(`${SUSTAINED_CASE}: ≥ 10× ${PEER_IMPL} orders/s`, ours(SUSTAINED_CASE)?.[`ratio_vs_${PEER_IMPL}`], 10, formatRatio),
    ],
    errors,
  };
}
