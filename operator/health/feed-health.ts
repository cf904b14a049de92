// A feed's health from one scrape round: the numbers (from each endpoint's reading and its
// previous one) and the Healthy condition judged against the optional spec.slo. Pure
// functions: the monitor (health-monitor.ts) feeds them readings and decides what to write.
import type { FeedHealth, FeedSlo } from '../../cdk8s/api/feed-health-types.ts';
import type { ConditionStatus } from '../reconcile/conditions.ts';
import { bucketDelta, counterDelta, histogramQuantile, roundSignificant, type EndpointReading } from './feed-metrics.ts';
import type { ScrapeFailure, ScrapeResult } from './metrics-fetch.ts';

export interface EndpointSnapshot {
  reading: EndpointReading;
  atMs: number;
}

export interface EndpointOutcome {
  /** Stable per pod and port (pod uid:port): a restarted pod is a new endpoint. */
  key: string;
  result: ScrapeResult;
  atMs: number;
}

export interface FeedMeasurement {
  endpoints: number;
  failures: ScrapeFailure[];
  /** Endpoints that answered with publisher metrics. */
  publishers: number;
  /** Endpoints that answered and have an earlier reading: measured over an interval. */
  intervalEndpoints: number;
  /** Undefined until an endpoint has been read twice (rates need an interval). */
  recordsPerSecond?: number;
  p99Micros?: number;
  gapsPerMinute?: number;
  gapsTotal?: number;
  tcpSubscribers?: number;
}

function add(total: number | undefined, value: number | undefined): number | undefined {
  return value === undefined ? total : (total ?? 0) + value;
}

/** The feed's numbers from this round's outcomes and the previous readings of the same endpoints. */
export function measureFeed(previous: ReadonlyMap<string, EndpointSnapshot>, outcomes: readonly EndpointOutcome[]): FeedMeasurement {
  const measurement: FeedMeasurement = { endpoints: outcomes.length, failures: [], publishers: 0, intervalEndpoints: 0 };
  for (const outcome of outcomes) {
    if (!outcome.result.ok) {
      measurement.failures.push(outcome.result.failure);
      continue;
    }
    const { reading } = outcome.result;
    if (reading.published !== undefined) measurement.publishers++;
    measurement.gapsTotal = add(measurement.gapsTotal, reading.gaps);
    measurement.tcpSubscribers = add(measurement.tcpSubscribers, reading.tcpSubscribers);
    const before = previous.get(outcome.key);
    const seconds = before === undefined ? 0 : (outcome.atMs - before.atMs) / 1000;
    if (before === undefined || seconds <= 0) continue;
    measurement.intervalEndpoints++;
    const published = counterDelta(before.reading.published, reading.published);
    if (published !== undefined) measurement.recordsPerSecond = add(measurement.recordsPerSecond, published / seconds);
    const gaps = counterDelta(before.reading.gaps, reading.gaps);
    if (gaps !== undefined) measurement.gapsPerMinute = add(measurement.gapsPerMinute, (gaps * 60) / seconds);
    const latency = bucketDelta(before.reading.latency, reading.latency);
    const p99 = latency === undefined ? undefined : histogramQuantile(0.99, latency);
    // The worst consumer: an SLO on p99 is a promise to every consumer.
    if (p99 !== undefined) measurement.p99Micros = Math.max(measurement.p99Micros ?? 0, p99 * 1e6);
  }
  return measurement;
}

/** The status.health numbers: rounded to 2 significant digits so that noise does not cause writes. */
export function healthNumbers(measurement: FeedMeasurement): Omit<FeedHealth, 'lastScrapeTime'> {
  const numbers: Omit<FeedHealth, 'lastScrapeTime'> = { endpoints: measurement.endpoints, failedEndpoints: measurement.failures.length };
  if (measurement.recordsPerSecond !== undefined) numbers.recordsPerSecond = roundSignificant(measurement.recordsPerSecond);
  if (measurement.p99Micros !== undefined) numbers.p99LatencyMicros = roundSignificant(measurement.p99Micros);
  if (measurement.gapsPerMinute !== undefined) numbers.gapsPerMinute = roundSignificant(measurement.gapsPerMinute);
  if (measurement.gapsTotal !== undefined) numbers.gapsTotal = Math.round(measurement.gapsTotal);
  if (measurement.tcpSubscribers !== undefined) numbers.tcpSubscribers = Math.round(measurement.tcpSubscribers);
  return numbers;
}

export type HealthReason =
  | 'Healthy'
  | 'Paused'
  | 'Measuring'
  | 'NoMetrics'
  | 'MetricsMalformed'
  | 'ScrapeFailed'
  | 'SloP99Exceeded'
  | 'SloGapsExceeded'
  | 'SloRateBelowMin';

export interface HealthJudgement {
  status: ConditionStatus;
  reason: HealthReason;
  message: string;
}

const MAX_LISTED_FAILURES = 3;

function listFailures(failures: readonly ScrapeFailure[]): string {
  const listed = failures.slice(0, MAX_LISTED_FAILURES).map((failure) => failure.message);
  const more = failures.length - listed.length;
  return `${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

function shown(value: number): string {
  return String(roundSignificant(value));
}

/** Healthy, judged from one round's measurement against the SLO (without one: metrics are arriving). */
export function judgeHealth(measurement: FeedMeasurement, slo: FeedSlo | undefined, paused: boolean): HealthJudgement {
  if (paused) return { status: 'Unknown', reason: 'Paused', message: 'paused: no pods to measure' };
  const { failures, endpoints } = measurement;
  if (endpoints === 0) return { status: 'False', reason: 'NoMetrics', message: 'no running pod of this feed has a metrics endpoint' };
  const malformed = failures.filter((failure) => failure.kind === 'malformed' || failure.kind === 'too-large');
  if (malformed.length > 0) return { status: 'False', reason: 'MetricsMalformed', message: `unreadable metrics: ${listFailures(malformed)}` };
  if (failures.length === endpoints) return { status: 'False', reason: 'NoMetrics', message: `no metrics endpoint answered: ${listFailures(failures)}` };
  if (failures.length > 0) return { status: 'False', reason: 'ScrapeFailed', message: `${failures.length} of ${endpoints} metrics endpoints failed: ${listFailures(failures)}` };
  if (measurement.publishers === 0) return { status: 'False', reason: 'NoMetrics', message: `none of the ${endpoints} endpoints is the publisher's` };
  const objectives = slo ?? {};
  const judged = objectives.maxP99Micros !== undefined || objectives.maxGapsPerMinute !== undefined || objectives.minRecordsPerSecond !== undefined;
  if (!judged) return { status: 'True', reason: 'Healthy', message: `metrics received from all ${endpoints} endpoints; no spec.slo to judge them against` };
  if (measurement.recordsPerSecond === undefined) return { status: 'Unknown', reason: 'Measuring', message: 'waiting for a second scrape to measure rates' };
  const breaches: Array<{ reason: HealthReason; message: string }> = [];
  if (objectives.maxP99Micros !== undefined && measurement.p99Micros !== undefined && measurement.p99Micros > objectives.maxP99Micros) {
    breaches.push({ reason: 'SloP99Exceeded', message: `p99 latency ${shown(measurement.p99Micros)} µs > ${objectives.maxP99Micros} µs` });
  }
  if (objectives.maxGapsPerMinute !== undefined && (measurement.gapsPerMinute ?? 0) > objectives.maxGapsPerMinute) {
    breaches.push({ reason: 'SloGapsExceeded', message: `${shown(measurement.gapsPerMinute ?? 0)} gaps/min > ${objectives.maxGapsPerMinute} gaps/min` });
  }
  if (objectives.minRecordsPerSecond !== undefined && measurement.recordsPerSecond < objectives.minRecordsPerSecond) {
    breaches.push({ reason: 'SloRateBelowMin', message: `${shown(measurement.recordsPerSecond)} records/s < ${objectives.minRecordsPerSecond} records/s` });
  }
  if (breaches.length > 0) return { status: 'False', reason: breaches[0].reason, message: `outside spec.slo: ${breaches.map((breach) => breach.message).join('; ')}` };
  const met = [
    objectives.maxP99Micros === undefined ? undefined : `p99 ≤ ${objectives.maxP99Micros} µs`,
    objectives.maxGapsPerMinute === undefined ? undefined : `gaps ≤ ${objectives.maxGapsPerMinute}/min`,
    objectives.minRecordsPerSecond === undefined ? undefined : `rate ≥ ${objectives.minRecordsPerSecond} records/s`,
  ].filter((part) => part !== undefined);
  return { status: 'True', reason: 'Healthy', message: `within spec.slo: ${met.join(', ')}` };
}
