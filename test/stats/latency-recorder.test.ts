import fc from 'fast-check';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { bucketPower, initLatencyRecording, LatencyRecorder, MAX_BUCKET_POWER, MIN_BUCKET_POWER } from '../../runtime/stats/latency-recorder.ts';
import { PrometheusLatencyHistogram } from '../../runtime/stats/prometheus-latency-histogram.ts';
import { SequenceTracker } from '../../runtime/stats/sequence-tracker.ts';

beforeAll(() => initLatencyRecording());

describe('LatencyRecorder', () => {
  it('reports HdrHistogram percentiles within 0.1% and folds intervals into the total', () => {
    const recorder = new LatencyRecorder();
    for (let v = 1; v <= 10_000; v++) recorder.record(v * 100);
    const interval = recorder.takeInterval();
    expect(interval.count).toBe(10_000);
    expect(interval.p50_ns).toBeGreaterThanOrEqual(500_000 * 0.999);
    expect(interval.p50_ns).toBeLessThanOrEqual(500_000 * 1.001);
    expect(interval.p99_ns / 990_000).toBeCloseTo(1, 2);
    expect(interval.max_ns / 1_000_000).toBeCloseTo(1, 2);
    recorder.record(5);
    expect(recorder.takeInterval().count).toBe(1);
    expect(recorder.totalSummary().count).toBe(10_001);
    recorder.destroy();
  });

  it('records negative values (clock disagreement) as zero and counts them', () => {
    const recorder = new LatencyRecorder();
    recorder.record(-50);
    recorder.record(1e12);
    expect(recorder.negativeCount).toBe(1);
    expect(recorder.totalSummary().max_ns).toBeGreaterThanOrEqual(59e9);
    recorder.destroy();
  });

  it('puts each value in the smallest power-of-two bucket that holds it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (value) => {
        const k = bucketPower(value);
        const exact = Math.ceil(Math.log2(value));
        expect(k).toBe(Math.min(Math.max(exact, MIN_BUCKET_POWER), MAX_BUCKET_POWER + 1));
      }),
      { numRuns: 5000 },
    );
  });

  it('exports a Prometheus histogram whose cumulative buckets match the values', async () => {
    const recorder = new LatencyRecorder();
    const values = [50, 128, 129, 1000, 1e6, 3e9];
    for (const v of values) recorder.record(v);
    const registry = new Registry();
    new PrometheusLatencyHistogram('test_latency_seconds', 'help', { consumer: 'a' }, () => recorder).register(registry);
    const text = await registry.metrics();
    const line = (le: string): string | undefined => text.split('\n').find((l) => l.startsWith(`test_latency_seconds_bucket{consumer="a",le="${le}"} `));
    const bucket = (le: string): number => Number(line(le)?.split(' ')[1]);
    expect(bucket(String(2 ** 7 / 1e9))).toBe(2);
    expect(bucket(String(2 ** 10 / 1e9))).toBe(4);
    expect(bucket(String(2 ** 20 / 1e9))).toBe(5);
    expect(bucket('+Inf')).toBe(6);
    expect(text).toMatch(/test_latency_seconds_count\{consumer="a"\} 6/);
    expect(text).toMatch(/# TYPE test_latency_seconds histogram/);
    recorder.destroy();
  });
});

describe('SequenceTracker', () => {
  it('counts gaps, lost records and out-of-order records like a simple model', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 200 }), { maxLength: 100 }), (sequences) => {
        const tracker = new SequenceTracker();
        let last = -1;
        let gaps = 0;
        let lost = 0;
        let outOfOrder = 0;
        for (const s of sequences) {
          tracker.observe(s);
          if (last < 0) last = s;
          else if (s <= last) outOfOrder++;
          else {
            if (s > last + 1) {
              gaps++;
              lost += s - last - 1;
            }
            last = s;
          }
        }
        expect({ gaps: tracker.gaps, lost: tracker.lostRecords, outOfOrder: tracker.outOfOrder }).toEqual({ gaps, lost, outOfOrder });
      }),
    );
  });
});
