// What one metrics endpoint of a feed says, in the terms the operator judges a feed by:
// records published (the publisher), records received, gaps and the one-way latency
// histogram (each consumer), TCP subscribers (the publisher); and what two readings of the
// same endpoint say about the interval between them (rates from counter deltas, p99 from
// bucket deltas, as Prometheus' rate() and histogram_quantile() would).
import type { ParsedMetrics, Sample } from './prometheus-text.ts';

export const METRIC_PUBLISHED = 'marketfeed_published_records_total';
export const METRIC_RECEIVED = 'marketfeed_received_records_total';
export const METRIC_GAPS = 'marketfeed_gaps_total';
export const METRIC_TCP_SUBSCRIBERS = 'marketfeed_tcp_subscribers';
export const METRIC_LATENCY = 'marketfeed_latency_seconds';

export interface Bucket {
  /** Upper bound, seconds (Infinity for +Inf). */
  le: number;
  /** Cumulative count. */
  count: number;
}

export interface EndpointReading {
  published?: number;
  received?: number;
  gaps?: number;
  tcpSubscribers?: number;
  /** Cumulative buckets in ascending `le`, +Inf last. */
  latency?: Bucket[];
}

export class NotFeedMetricsError extends Error {
  override readonly name = 'NotFeedMetricsError';
}

function sumOf(samples: readonly Sample[], name: string): number | undefined {
  let total: number | undefined;
  for (const sample of samples) if (sample.name === name && Number.isFinite(sample.value)) total = (total ?? 0) + sample.value;
  return total;
}

function bucketsOf(samples: readonly Sample[], family: string): Bucket[] | undefined {
  const byBound = new Map<number, number>();
  for (const sample of samples) {
    if (sample.name !== `${family}_bucket`) continue;
    const bound = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    if (sample.labels.le === undefined || Number.isNaN(bound)) throw new NotFeedMetricsError(`${family}_bucket has a bucket without a numeric le label`);
    // Label sets other than le (default labels) are summed: one endpoint, one histogram.
    byBound.set(bound, (byBound.get(bound) ?? 0) + sample.value);
  }
  if (byBound.size === 0) return undefined;
  const buckets = [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  if (buckets.at(-1)!.le !== Number.POSITIVE_INFINITY) throw new NotFeedMetricsError(`${family} has no +Inf bucket`);
  for (let index = 1; index < buckets.length; index++) {
    if (buckets[index].count < buckets[index - 1].count) throw new NotFeedMetricsError(`${family} buckets are not cumulative (le=${buckets[index].le})`);
  }
  return buckets;
}

/** The feed metrics of one endpoint; NotFeedMetricsError when it exports none of them. */
export function readEndpoint(metrics: ParsedMetrics): EndpointReading {
  const { samples } = metrics;
  const reading: EndpointReading = {};
  const published = sumOf(samples, METRIC_PUBLISHED);
  const received = sumOf(samples, METRIC_RECEIVED);
  const gaps = sumOf(samples, METRIC_GAPS);
  const tcpSubscribers = sumOf(samples, METRIC_TCP_SUBSCRIBERS);
  const latency = bucketsOf(samples, METRIC_LATENCY);
  if (published !== undefined) reading.published = published;
  if (received !== undefined) reading.received = received;
  if (gaps !== undefined) reading.gaps = gaps;
  if (tcpSubscribers !== undefined) reading.tcpSubscribers = tcpSubscribers;
  if (latency !== undefined) reading.latency = latency;
  if (published === undefined && received === undefined) throw new NotFeedMetricsError(`neither ${METRIC_PUBLISHED} nor ${METRIC_RECEIVED} is exported`);
  return reading;
}

/** Growth of a counter; a smaller value means the process restarted (the counter began again at 0). */
export function counterDelta(before: number | undefined, after: number | undefined): number | undefined {
  if (after === undefined) return undefined;
  if (before === undefined) return undefined;
  return after >= before ? after - before : after;
}

/** Bucket counts gained between two readings (a reset when any bucket shrank: then `after` itself). */
export function bucketDelta(before: readonly Bucket[] | undefined, after: readonly Bucket[] | undefined): Bucket[] | undefined {
  if (after === undefined || before === undefined) return undefined;
  const previous = new Map(before.map((bucket) => [bucket.le, bucket.count]));
  const reset = after.some((bucket) => bucket.count < (previous.get(bucket.le) ?? 0));
  return after.map((bucket) => ({ le: bucket.le, count: reset ? bucket.count : bucket.count - (previous.get(bucket.le) ?? 0) }));
}

/**
 * The q-quantile of cumulative buckets, interpolated linearly inside the bucket it falls in
 * (histogram_quantile's method); undefined when the buckets hold no observation.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | undefined {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank && bucket.count > lowerCount) {
      // Past the last finite bound nothing is known but the bound itself.
      if (bucket.le === Number.POSITIVE_INFINITY) return lowerBound;
      return lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / (bucket.count - lowerCount);
    }
    if (bucket.le !== Number.POSITIVE_INFINITY) lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}

/** `value` rounded to `digits` significant digits (0 stays 0). */
export function roundSignificant(value: number, digits = 2): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const exponent = digits - 1 - magnitude;
  // Always through a power of ten that is exact (10 ** n for n ≥ 0; 1 / 10 ** -5 is 99999.99999999999,
  // which turned 1e6 into 999999.9999999999): multiply and divide for small values, divide and multiply for large.
  if (exponent >= 0) {
    const factor = 10 ** exponent;
    return Math.round(value * factor) / factor;
  }
  const step = 10 ** -exponent;
  return Math.round(value / step) * step;
}
