// A revision judged on its own pods in the health monitor's latest round: never on pods of
// another template, never on pods that are not Ready, never before a reading taken while
// ready, and only when records flow; spec.slo judged on those endpoints alone.
import { describe, expect, it } from 'vitest';
import type { EndpointSnapshot } from '../../../operator/health/feed-health.ts';
import type { EndpointReading } from '../../../operator/health/feed-metrics.ts';
import type { PodFacts } from '../../../operator/health/pod-endpoints.ts';
import { judgeRevisionHealth, type FeedRound, type ScrapedEndpoint } from '../../../operator/health/revision-health.ts';
import type { RevisionPods } from '../../../operator/rollout/revision.ts';

const REVISION: RevisionPods[] = [
  { component: 'feed', templateHash: 'new-feed', replicas: 1 },
  { component: 'tcp-consumer', templateHash: 'new-tcp', replicas: 1 },
];
const latency = (count: number, le: number) => [{ le, count }, { le: Number.POSITIVE_INFINITY, count }];

function pod(uid: string, component: string, templateHash: string, ready = true): PodFacts {
  return { uid, component, templateHash, ready };
}

function scraped(facts: PodFacts, port: number, reading: EndpointReading, atMs = 10_000): ScrapedEndpoint {
  return { pod: facts, outcome: { key: `${facts.uid}:${port}`, atMs, result: { ok: true, reading } } };
}

/** A round of the revision's pods: a publisher at `published` and a TCP consumer whose records take `seconds`. */
function round(options: { published?: number; seconds?: number; before?: boolean; feedPod?: PodFacts; extra?: ScrapedEndpoint[] } = {}): FeedRound {
  const feedPod = options.feedPod ?? pod('f1', 'feed', 'new-feed');
  const tcpPod = pod('t1', 'tcp-consumer', 'new-tcp');
  const before = new Map<string, EndpointSnapshot>(
    options.before === false
      ? []
      : [
          [`${feedPod.uid}:9100`, { atMs: 0, reading: { published: 1_000 } }],
          ['t1:9200', { atMs: 0, reading: { received: 1_000, gaps: 0, latency: latency(1_000, options.seconds ?? 2e-6) } }],
        ],
  );
  return {
    endpoints: [
      scraped(feedPod, 9100, { published: options.published ?? 11_000 }),
      scraped(tcpPod, 9200, { received: 11_000, gaps: 0, latency: latency(11_000, options.seconds ?? 2e-6) }),
      ...(options.extra ?? []),
    ],
    readyBefore: before,
  };
}

describe('judgeRevisionHealth', () => {
  it('is healthy when its ready pods, read twice while ready, are within spec.slo and publish', () => {
    expect(judgeRevisionHealth(round(), REVISION, { maxP99Micros: 100 })).toEqual({ healthy: true, message: 'within spec.slo: p99 ≤ 100 µs' });
    // No spec.slo: every endpoint answers and records flow.
    expect(judgeRevisionHealth(round(), REVISION, undefined)).toEqual({ healthy: true, message: 'metrics received from all 2 endpoints; no spec.slo to judge them against' });
  });

  it('says which objective a ready revision breaks', () => {
    expect(judgeRevisionHealth(round({ seconds: 0.002 }), REVISION, { maxP99Micros: 100 })).toEqual({ healthy: false, message: 'unhealthy: outside spec.slo: p99 latency 2000 µs > 100 µs' });
    expect(judgeRevisionHealth(round({ published: 1_000 }), REVISION, { minRecordsPerSecond: 10 })).toEqual({ healthy: false, message: 'unhealthy: outside spec.slo: 0 records/s < 10 records/s' });
  });

  it('a publisher that publishes nothing is unhealthy, with or without spec.slo', () => {
    expect(judgeRevisionHealth(round({ published: 1_000 }), REVISION, undefined)).toEqual({ healthy: false, message: 'unhealthy: its publisher published no record between two scrapes' });
    expect(judgeRevisionHealth(round({ published: 1_000 }), REVISION, { maxP99Micros: 100 }).healthy).toBe(false);
  });

  it('is not judged without a round, with pods of another template still scraped, or with its pods not all Ready', () => {
    const notScraped = { healthy: false, message: 'no scrape of its ready pods has been judged yet' };
    expect(judgeRevisionHealth(undefined, REVISION, undefined)).toEqual(notScraped);
    // The previous revision's pods only (what a Healthy condition left from them describes).
    expect(judgeRevisionHealth(round({ feedPod: pod('old', 'feed', 'old-feed') }), REVISION, undefined)).toEqual(notScraped);
    expect(judgeRevisionHealth(round({ extra: [scraped(pod('old', 'feed', 'old-feed'), 9100, { published: 5 })] }), REVISION, undefined)).toEqual(notScraped);
    expect(judgeRevisionHealth(round({ feedPod: pod('f1', 'feed', 'new-feed', false) }), REVISION, undefined)).toEqual(notScraped);
    // Fewer pods than the Deployment asks for.
    expect(judgeRevisionHealth(round(), [{ ...REVISION[0] }, { ...REVISION[1], replicas: 2 }], undefined)).toEqual(notScraped);
  });

  it('waits for a second scrape of its ready pods: one reading measures no rate', () => {
    expect(judgeRevisionHealth(round({ before: false }), REVISION, undefined)).toEqual({ healthy: false, message: 'its ready pods have been scraped once; rates need a second scrape' });
    expect(judgeRevisionHealth(round({ before: false }), REVISION, { maxP99Micros: 100 }).healthy).toBe(false);
  });

  it('leaves out pods that are not the revision\'s Deployments (relays)', () => {
    const relay = scraped(pod('r1', 'relay', 'whatever'), 9100, { received: 1, gaps: 1_000_000 });
    expect(judgeRevisionHealth(round({ extra: [relay] }), REVISION, { maxGapsPerMinute: 0 }).healthy).toBe(true);
  });
});
