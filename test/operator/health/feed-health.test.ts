// The numbers and the judgement of the health loop: rates from counter deltas (restarts
// included), p99 from the latency histogram the consumers really export, rounding to two
// significant digits, and the Healthy reasons against spec.slo.
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { bucketDelta, histogramQuantile, readEndpoint, roundSignificant, type Bucket } from '../../../operator/health/feed-metrics.ts';
import { healthNumbers, judgeHealth, measureFeed, type EndpointOutcome, type EndpointSnapshot } from '../../../operator/health/feed-health.ts';
import { parsePrometheusText } from '../../../operator/health/prometheus-text.ts';
import { initLatencyRecording, LatencyRecorder } from '../../../runtime/stats/latency-recorder.ts';
import { PrometheusLatencyHistogram } from '../../../runtime/stats/prometheus-latency-histogram.ts';

async function consumerText(latenciesNs: number[]): Promise<string> {
  await initLatencyRecording();
  const registry = new Registry();
  const recorder = new LatencyRecorder();
  for (const latency of latenciesNs) recorder.record(latency);
  new PrometheusLatencyHistogram('marketfeed_latency_seconds', 'latency', {}, () => recorder).register(registry);
  return `${await registry.metrics()}\nmarketfeed_received_records_total ${latenciesNs.length}\nmarketfeed_gaps_total 0\n`;
}

const ok = (key: string, atMs: number, reading: EndpointOutcome extends { result: infer R } ? (R extends { ok: true; reading: infer T } ? T : never) : never): EndpointOutcome => ({ key, atMs, result: { ok: true, reading } });

describe('histogramQuantile on the consumers’ exported histogram', () => {
  it('puts p99 in the power-of-two bucket that holds the 99th percentile', async () => {
    // 990 records at ~1 µs, 10 at ~100 µs: p99 lies in the bucket of 1 µs (512 ns, 1024 ns].
    const reading = readEndpoint(parsePrometheusText(await consumerText([...new Array<number>(990).fill(1000), ...new Array<number>(10).fill(100_000)])));
    const p99 = histogramQuantile(0.99, reading.latency!)!;
    expect(p99).toBeGreaterThan(512e-9);
    expect(p99).toBeLessThanOrEqual(1024e-9);
    const p999 = histogramQuantile(0.999, reading.latency!)!;
    expect(p999).toBeGreaterThan(65_536e-9);
    expect(p999).toBeLessThanOrEqual(131_072e-9);
  });

  it('is monotonic in q and within the bucket bounds (any counts)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 2, maxLength: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (counts, a, b) => {
        let cumulative = 0;
        const buckets: Bucket[] = counts.map((count, index) => ({ le: index === counts.length - 1 ? Number.POSITIVE_INFINITY : 2 ** index, count: (cumulative += count) }));
        const [low, high] = a <= b ? [a, b] : [b, a];
        const ql = histogramQuantile(low, buckets);
        const qh = histogramQuantile(high, buckets);
        if (cumulative === 0) {
          expect(ql).toBeUndefined();
          return;
        }
        expect(ql!).toBeLessThanOrEqual(qh!);
        expect(qh!).toBeLessThanOrEqual(2 ** (counts.length - 2));
        expect(ql!).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('takes a shrunken histogram (a restarted consumer) as counting from zero', () => {
    const before = [{ le: 1, count: 10 }, { le: Number.POSITIVE_INFINITY, count: 10 }];
    const after = [{ le: 1, count: 3 }, { le: Number.POSITIVE_INFINITY, count: 4 }];
    expect(bucketDelta(before, after)).toEqual(after);
    expect(bucketDelta(after, [{ le: 1, count: 5 }, { le: Number.POSITIVE_INFINITY, count: 9 }])).toEqual([{ le: 1, count: 2 }, { le: Number.POSITIVE_INFINITY, count: 5 }]);
  });
});

describe('roundSignificant', () => {
  it.each([
    [123_456, 120_000],
    [99_950, 100_000],
    [12.34, 12],
    [0.012_34, 0.012],
    [0, 0],
    [7, 7],
    [995_000, 1_000_000],
    [1_000_000, 1_000_000],
  ])('%d → %d', (value, rounded) => expect(roundSignificant(value)).toBe(rounded));

  it('stays within 5% and is idempotent', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (value) => {
        const rounded = roundSignificant(value);
        expect(Math.abs(rounded - value) / value).toBeLessThanOrEqual(0.05 + 1e-12);
        expect(roundSignificant(rounded)).toBe(rounded);
      }),
    );
  });
});

describe('measureFeed and judgeHealth', () => {
  const previous = new Map<string, EndpointSnapshot>([
    ['pub', { atMs: 0, reading: { published: 1000, tcpSubscribers: 2 } }],
    ['shm', { atMs: 0, reading: { received: 1000, gaps: 5, latency: [{ le: 1e-6, count: 100 }, { le: Number.POSITIVE_INFINITY, count: 100 }] } }],
  ]);
  const outcomes = [
    ok('pub', 10_000, { published: 101_000, tcpSubscribers: 3 }),
    ok('shm', 10_000, { received: 101_000, gaps: 7, latency: [{ le: 1e-6, count: 100 }, { le: 2e-6, count: 100_100 }, { le: Number.POSITIVE_INFINITY, count: 100_100 }] }),
  ];

  it('measures rates over the interval, the worst p99 and the gap rate', () => {
    const measurement = measureFeed(previous, outcomes);
    expect(measurement.recordsPerSecond).toBe(10_000);
    expect(measurement.gapsPerMinute).toBe(12);
    expect(measurement.gapsTotal).toBe(7);
    expect(measurement.tcpSubscribers).toBe(3);
    expect(measurement.p99Micros).toBeGreaterThan(1);
    expect(measurement.p99Micros).toBeLessThanOrEqual(2);
    expect(healthNumbers(measurement)).toEqual({ endpoints: 2, failedEndpoints: 0, recordsPerSecond: 10_000, p99LatencyMicros: 2, gapsPerMinute: 12, gapsTotal: 7, tcpSubscribers: 3 });
  });

  it('judges against each objective, and without one only that metrics arrive', () => {
    const measurement = measureFeed(previous, outcomes);
    expect(judgeHealth(measurement, undefined, false)).toMatchObject({ status: 'True', reason: 'Healthy' });
    expect(judgeHealth(measurement, { maxP99Micros: 1 }, false)).toMatchObject({ status: 'False', reason: 'SloP99Exceeded' });
    expect(judgeHealth(measurement, { maxGapsPerMinute: 10 }, false)).toMatchObject({ status: 'False', reason: 'SloGapsExceeded', message: 'outside spec.slo: 12 gaps/min > 10 gaps/min' });
    expect(judgeHealth(measurement, { minRecordsPerSecond: 20_000 }, false)).toMatchObject({ status: 'False', reason: 'SloRateBelowMin' });
    expect(judgeHealth(measurement, { maxP99Micros: 5, maxGapsPerMinute: 20, minRecordsPerSecond: 5_000 }, false)).toMatchObject({ status: 'True', reason: 'Healthy' });
    expect(judgeHealth(measureFeed(new Map(), outcomes), { maxP99Micros: 5 }, false)).toMatchObject({ status: 'Unknown', reason: 'Measuring' });
    expect(judgeHealth(measurement, { maxP99Micros: 5 }, true)).toMatchObject({ status: 'Unknown', reason: 'Paused' });
  });

  it('names the failing endpoints: malformed, all failed, some failed, none', () => {
    const failed = (kind: 'timeout' | 'malformed', message: string): EndpointOutcome => ({ key: message, atMs: 1, result: { ok: false, failure: { kind, message } } });
    expect(judgeHealth(measureFeed(previous, [...outcomes, failed('malformed', 'http://10.0.0.1:9101/metrics: line 1: not a sample')]), undefined, false)).toEqual({
      status: 'False',
      reason: 'MetricsMalformed',
      message: 'unreadable metrics: http://10.0.0.1:9101/metrics: line 1: not a sample',
    });
    expect(judgeHealth(measureFeed(previous, [failed('timeout', 'a'), failed('timeout', 'b')]), undefined, false)).toMatchObject({ status: 'False', reason: 'NoMetrics' });
    expect(judgeHealth(measureFeed(previous, [...outcomes, failed('timeout', 'slow')]), undefined, false)).toMatchObject({ status: 'False', reason: 'ScrapeFailed', message: '1 of 3 metrics endpoints failed: slow' });
    expect(judgeHealth(measureFeed(previous, []), undefined, false)).toMatchObject({ status: 'False', reason: 'NoMetrics' });
  });
});
