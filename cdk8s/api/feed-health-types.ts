// The live-health part of the MarketFeed API: `spec.slo` (what a healthy feed delivers) and
// `status.health` (what the operator last measured by scraping the feed's pods). Kept apart
// from marketfeed-types.ts, which only plugs them in. Every field is bounded, so that CEL
// cost estimates and the stored object stay small.
import { Type, type Static } from '@sinclair/typebox';

export const MAX_SLO_P99_MICROS = 60_000_000;
export const MAX_SLO_GAPS_PER_MINUTE = 1_000_000;
export const MAX_SLO_RECORDS_PER_SECOND = 100_000_000;

export const FeedSloSchema = Type.Object(
  {
    maxP99Micros: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_SLO_P99_MICROS, description: 'highest acceptable p99 one-way latency (publish to receipt) of the worst consumer, µs' }),
    ),
    maxGapsPerMinute: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_SLO_GAPS_PER_MINUTE, description: 'highest acceptable rate of sequence gaps, summed over the consumers, per minute (0: none tolerated)' }),
    ),
    minRecordsPerSecond: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_SLO_RECORDS_PER_SECOND, description: 'lowest acceptable publish rate, records per second' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'service-level objectives the Healthy condition is judged against (all optional; without them Healthy means metrics are being received)',
  },
);

export const FeedHealthSchema = Type.Object(
  {
    recordsPerSecond: Type.Optional(Type.Number({ minimum: 0, description: 'records published per second (2 significant digits)' })),
    p99LatencyMicros: Type.Optional(Type.Number({ minimum: 0, description: 'p99 one-way latency of the worst consumer over the last scrape interval, µs (2 significant digits)' })),
    gapsPerMinute: Type.Optional(Type.Number({ minimum: 0, description: 'sequence gaps per minute, summed over the consumers (2 significant digits)' })),
    gapsTotal: Type.Optional(Type.Integer({ minimum: 0, description: "sequence gaps counted by the consumers' current processes" })),
    tcpSubscribers: Type.Optional(Type.Integer({ minimum: 0, description: 'TCP subscribers streaming from the publisher' })),
    endpoints: Type.Optional(Type.Integer({ minimum: 0, description: 'metrics endpoints scraped (publisher, each SHM consumer, each TCP consumer pod)' })),
    failedEndpoints: Type.Optional(Type.Integer({ minimum: 0, description: 'endpoints whose last scrape failed' })),
    lastScrapeTime: Type.Optional(Type.String({ format: 'date-time', maxLength: 64, description: 'when the scrape these numbers come from was taken' })),
  },
  { additionalProperties: false, description: 'live data-plane health, from the metrics of the feed pods (refreshed at most once a minute)' },
);

export type FeedSlo = Static<typeof FeedSloSchema>;
export type FeedHealth = Static<typeof FeedHealthSchema>;

/** `kubectl get mf` columns of live health (priority 1: shown with -o wide). */
export const HEALTH_PRINTER_COLUMNS = [
  { name: 'Healthy', type: 'string', jsonPath: '.status.conditions[?(@.type=="Healthy")].status', description: 'the Healthy condition: metrics received and within spec.slo' },
  { name: 'Records/s', type: 'number', jsonPath: '.status.health.recordsPerSecond', description: 'records published per second (measured)' },
  { name: 'P99 micros', type: 'number', jsonPath: '.status.health.p99LatencyMicros', description: 'p99 one-way latency of the worst consumer, µs' },
  { name: 'Gaps/min', type: 'number', jsonPath: '.status.health.gapsPerMinute', priority: 1, description: 'sequence gaps per minute over the consumers' },
  { name: 'TCP subs', type: 'integer', jsonPath: '.status.health.tcpSubscribers', priority: 1, description: 'TCP subscribers of the publisher' },
  { name: 'Scraped', type: 'date', jsonPath: '.status.health.lastScrapeTime', priority: 1, description: 'when the health numbers were measured' },
];
