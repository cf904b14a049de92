// What consumers report, the same for every transport: a log line per interval (rate,
// latency percentiles, gaps), Prometheus metrics read at scrape time, a final summary.
import type { Registry } from 'prom-client';
import type { Logger } from '../observability/logger.ts';
import { polledCounter, polledGauge } from '../observability/polled-metrics.ts';
import { PrometheusLatencyHistogram } from '../stats/prometheus-latency-histogram.ts';
import type { RecordSink } from './record-sink.ts';

export function registerConsumerMetrics(registry: Registry, sink: RecordSink, lag: () => number, reconnects: () => number): void {
  polledCounter(registry, 'marketfeed_received_records_total', 'Records received', () => sink.records);
  polledCounter(registry, 'marketfeed_received_trades_total', 'Trade records received (the rest are quotes)', () => sink.trades);
  polledCounter(registry, 'marketfeed_gaps_total', 'Jumps in the received sequence', () => sink.sequences.gaps);
  polledCounter(registry, 'marketfeed_lost_records_total', 'Records missing from the received sequence', () => sink.sequences.lostRecords);
  polledCounter(registry, 'marketfeed_out_of_order_total', 'Records whose sequence was not after the previous one', () => sink.sequences.outOfOrder);
  polledCounter(registry, 'marketfeed_reattach_total', 'Times the consumer followed a publisher restart', reconnects);
  polledGauge(registry, 'marketfeed_consumer_lag_records', 'Records published and not yet read', lag);
  new PrometheusLatencyHistogram('marketfeed_latency_seconds', 'One-way latency, publish to receipt', {}, () => sink.latency).register(registry);
}

export interface IntervalReports {
  stop(): void;
}

/** Logs `latency` every interval: the demo and operators read these lines. */
export function startIntervalReports(logger: Logger, sink: RecordSink, intervalS: number, lag: () => number): IntervalReports {
  let lastRecords = 0;
  let lastMs = performance.now();
  const timer = setInterval(() => {
    const nowMs = performance.now();
    const latency = sink.latency.takeInterval();
    const records = sink.records - lastRecords;
    logger.info(
      {
        records,
        rate: Math.round((records * 1000) / (nowMs - lastMs)),
        p50_ns: latency.p50_ns,
        p99_ns: latency.p99_ns,
        p999_ns: latency.p999_ns,
        max_ns: latency.max_ns,
        gaps: sink.sequences.gaps,
        lost: sink.sequences.lostRecords,
        lag: lag(),
      },
      'latency',
    );
    lastRecords = sink.records;
    lastMs = nowMs;
  }, intervalS * 1000);
  return { stop: () => clearInterval(timer) };
}

export function consumerSummary(sink: RecordSink, elapsedS: number): Record<string, unknown> {
  const verifier = sink.verifier;
  return {
    records: sink.records,
    trades: sink.trades,
    durationS: Math.round(elapsedS * 1000) / 1000,
    ratePerS: Math.round(sink.records / Math.max(elapsedS, 1e-9)),
    firstSequence: sink.sequences.firstSequence,
    lastSequence: sink.sequences.lastSequence,
    gaps: sink.sequences.gaps,
    lost: sink.sequences.lostRecords,
    outOfOrder: sink.sequences.outOfOrder,
    latency: sink.latency.totalSummary(),
    negativeLatencies: sink.latency.negativeCount,
    ...(verifier === undefined ? {} : { verified: verifier.checked, mismatches: verifier.mismatches, firstMismatch: verifier.firstMismatch ?? null }),
  };
}
