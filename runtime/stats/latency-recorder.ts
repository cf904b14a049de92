// One-way latencies in nanoseconds: an HdrHistogram (hdr-histogram-js, WebAssembly build:
// 13 ns per value here against 44 ns for its pure-JS build) for the interval since the
// last report, folded into a total for the final summary, plus power-of-two buckets that
// the Prometheus histogram reads at scrape time (so /metrics costs the hot path nothing).
import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  p50_ns: number;
  p90_ns: number;
  p99_ns: number;
  p999_ns: number;
  max_ns: number;
  min_ns: number;
  mean_ns: number;
}

/** Values above this (one minute) are recorded as this. */
export const HIGHEST_TRACKABLE_NS = 60e9;
/** Power-of-two bucket bounds, 2^k ns for k in [MIN_BUCKET_POWER, MAX_BUCKET_POWER]. */
export const MIN_BUCKET_POWER = 7;
export const MAX_BUCKET_POWER = 36;

let wasmReady: Promise<void> | undefined;

/** Loads the WebAssembly HdrHistogram once per process. */
export function initLatencyRecording(): Promise<void> {
  wasmReady ??= hdr.initWebAssembly();
  return wasmReady;
}

function newHistogram(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_NS,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: true,
  });
}

export class LatencyRecorder {
  /** Values below zero (clocks of two hosts disagree), recorded as zero. */
  negativeCount = 0;
  /** Count of values ≤ 2^k ns at index k (not cumulative), for Prometheus. */
  readonly powerOfTwoCounts = new Float64Array(MAX_BUCKET_POWER + 2);
  sumNs = 0;
  private interval: hdr.Histogram;
  private readonly total: hdr.Histogram;

  /** Call (and await) initLatencyRecording() first. */
  constructor() {
    this.interval = newHistogram();
    this.total = newHistogram();
  }

  static async create(): Promise<LatencyRecorder> {
    await initLatencyRecording();
    return new LatencyRecorder();
  }

  record(latencyNs: number): void {
    let value = latencyNs;
    if (value < 0) {
      this.negativeCount++;
      value = 0;
    } else if (value > HIGHEST_TRACKABLE_NS) {
      value = HIGHEST_TRACKABLE_NS;
    }
    this.interval.recordValue(value);
    this.sumNs += value;
    this.powerOfTwoCounts[bucketPower(value)]++;
  }

  /** Summary of the values since the last call, which are then folded into the total. */
  takeInterval(): LatencySummary {
    const summary = summarize(this.interval);
    this.total.add(this.interval);
    this.interval.reset();
    return summary;
  }

  /** Summary of every value recorded (including the current interval). */
  totalSummary(): LatencySummary {
    this.total.add(this.interval);
    this.interval.reset();
    return summarize(this.total);
  }

  destroy(): void {
    this.interval.destroy();
    this.total.destroy();
  }
}

/** Smallest k with value ≤ 2^k, clamped to the bucket range. */
export function bucketPower(value: number): number {
  let power: number;
  if (value <= 1) power = 0;
  else if (value <= 0x7fff_ffff) power = 32 - Math.clz32(Math.ceil(value) - 1);
  else power = Math.ceil(Math.log2(value));
  if (power < MIN_BUCKET_POWER) return MIN_BUCKET_POWER;
  return power > MAX_BUCKET_POWER ? MAX_BUCKET_POWER + 1 : power;
}

function summarize(histogram: hdr.Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, p50_ns: 0, p90_ns: 0, p99_ns: 0, p999_ns: 0, max_ns: 0, min_ns: 0, mean_ns: 0 };
  // A percentile is the top of its HdrHistogram bucket, which can lie above the exact max.
  const max = histogram.maxValue;
  const at = (percentile: number): number => Math.min(histogram.getValueAtPercentile(percentile), max);
  return {
    count,
    p50_ns: at(50),
    p90_ns: at(90),
    p99_ns: at(99),
    p999_ns: at(99.9),
    max_ns: max,
    min_ns: histogram.minNonZeroValue,
    mean_ns: Math.round(histogram.mean),
  };
}
