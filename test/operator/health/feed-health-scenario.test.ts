// Live feed health end to end: the operator (in-process, real client-node) against the test
// API server, feed pods whose metrics endpoints are real HTTP servers on loopback addresses.
// It scrapes every endpoint of a feed (publisher, SHM consumers, TCP consumer pods), shows
// the numbers in status.health, judges Healthy against spec.slo with an Event per
// transition, and keeps going when an endpoint hangs or answers garbage.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MarketFeedStatus } from '../../../cdk8s/api/marketfeed-types.ts';
import { NAMESPACE, OperatorHarness } from '../helpers/operator-harness.ts';
import { eventually, waitFor } from '../helpers/wait.ts';
import { consumerText, FakeFeedPods, HANG, publisherText, scrapeCount } from './fake-feed-pods.ts';

let harness: OperatorHarness;
let pods: FakeFeedPods;

beforeEach(async () => {
  harness = await OperatorHarness.start({ bookmarkIntervalMs: 0 });
  pods = new FakeFeedPods(harness.server);
});

afterEach(async () => {
  await harness.close();
  await pods.close();
});

/** A feed pod whose counters grow on every scrape; latency bucket and subscribers as the test says. */
function growingFeed(state: { latencySeconds: number; gapsPerScrape: number; subscribers: number }) {
  let published = 0;
  let received = 0;
  let gaps = 0;
  return {
    publisher: () => publisherText((published += 1_000), state.subscribers),
    consumer: () => {
      gaps += state.gapsPerScrape;
      return consumerText((received += 1_000), gaps, state.latencySeconds);
    },
  };
}

function events(reason?: string): Array<{ reason: string; type: string; message: string; involvedObject: { name: string } }> {
  return harness.server.store
    .list('v1', 'Event', NAMESPACE)
    .map((event) => event as unknown as { reason: string; type: string; message: string; involvedObject: { name: string } })
    .filter((event) => reason === undefined || event.reason === reason);
}

describe('live feed health', () => {
  it('shows records/s, p99, gaps and TCP subscribers from every endpoint of the feed, and flips Healthy against spec.slo with one Event per transition', async () => {
    const state = { latencySeconds: 0.000_002, gapsPerScrape: 0, subscribers: 3 };
    const feed = growingFeed(state);
    harness.createFeed('alpha', { tcpConsumers: { replicas: 1 }, slo: { maxP99Micros: 100, maxGapsPerMinute: 1_000_000 } });
    await pods.addPod({ feed: 'alpha', namespace: NAMESPACE, name: 'alpha-feed-1', containers: [{ name: 'publisher', answer: feed.publisher }, { name: 'shm-consumer-0', answer: feed.consumer }] });
    const tcpState = { ...state };
    const tcp = growingFeed(tcpState);
    await pods.addPod({ feed: 'alpha', namespace: NAMESPACE, name: 'alpha-tcp-1', component: 'tcp-consumer', containers: [{ name: 'tcp-consumer', answer: tcp.consumer }] });
    await harness.startReplica({ health: { scrapeIntervalMs: 50, statusRefreshMs: 0, timeoutMs: 2_000 } });

    const healthy = await harness.waitForCondition('alpha', 'Healthy', 'True', 'Healthy');
    expect(healthy.message).toBe('within spec.slo: p99 ≤ 100 µs, gaps ≤ 1000000/min');
    const health = await eventually(() => {
      const shown = harness.status('alpha')?.health;
      return shown?.recordsPerSecond !== undefined && shown.p99LatencyMicros !== undefined ? shown : undefined;
    });
    expect(health.endpoints).toBe(3);
    expect(health.failedEndpoints).toBe(0);
    expect(health.tcpSubscribers).toBe(3);
    expect(health.recordsPerSecond).toBeGreaterThan(0);
    // Every record in the (1 µs, 2 µs] bucket.
    expect(health.p99LatencyMicros).toBeGreaterThan(1);
    expect(health.p99LatencyMicros).toBeLessThanOrEqual(2);
    expect(health.lastScrapeTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // The TCP consumer pod slows down to ~2 ms: the worst consumer decides.
    tcpState.latencySeconds = 0.002;
    const breached = await harness.waitForCondition('alpha', 'Healthy', 'False', 'SloP99Exceeded');
    expect(breached.message).toMatch(/^outside spec\.slo: p99 latency \d+ µs > 100 µs$/);
    // The Event follows the status write.
    await waitFor(() => events('SloP99Exceeded').length === 1, { what: 'the SloP99Exceeded event' });
    expect(events('SloP99Exceeded')[0]).toMatchObject({ type: 'Warning', involvedObject: { name: 'alpha' } });

    tcpState.latencySeconds = 0.000_002;
    await harness.waitForCondition('alpha', 'Healthy', 'True', 'Healthy');
    await waitFor(() => events('Healthy').length === 2, { what: () => `two Healthy events; events ${JSON.stringify(events())}` });
    // The reconciler's own status writes keep what the health loop wrote.
    harness.updateSpec('alpha', (spec) => ((spec.tcpConsumers as { replicas: number }).replicas = 2));
    await harness.waitForCondition('alpha', 'Ready', 'False');
    expect(harness.condition('alpha', 'Healthy')?.status).toBe('True');
    expect(harness.status('alpha')?.health?.tcpSubscribers).toBe(3);
  });

  it('a hung endpoint costs one timeout and the others are reported; a malformed one is MetricsMalformed; the loop goes on', async () => {
    const good = growingFeed({ latencySeconds: 0.000_002, gapsPerScrape: 0, subscribers: 1 });
    const hung = growingFeed({ latencySeconds: 0.000_002, gapsPerScrape: 0, subscribers: 1 });
    harness.createFeed('good');
    harness.createFeed('hung');
    harness.createFeed('garbled');
    await pods.addPod({ feed: 'good', namespace: NAMESPACE, name: 'good-feed-1', containers: [{ name: 'publisher', answer: good.publisher }, { name: 'shm-consumer-0', answer: good.consumer }] });
    await pods.addPod({ feed: 'hung', namespace: NAMESPACE, name: 'hung-feed-1', containers: [{ name: 'publisher', answer: hung.publisher }, { name: 'shm-consumer-0', answer: () => HANG }] });
    await pods.addPod({ feed: 'garbled', namespace: NAMESPACE, name: 'garbled-feed-1', containers: [{ name: 'publisher', answer: () => '<html><body>502 Bad Gateway</body></html>\n' }] });
    await harness.startReplica({ health: { scrapeIntervalMs: 50, statusRefreshMs: 0, timeoutMs: 300, concurrency: 2 } });

    await harness.waitForCondition('good', 'Healthy', 'True', 'Healthy');
    const timedOut = await harness.waitForCondition('hung', 'Healthy', 'False', 'ScrapeFailed');
    expect(timedOut.message).toMatch(/^1 of 2 metrics endpoints failed: http:\/\/127\.0\.0\.\d+:\d+\/metrics: no complete answer within 300 ms$/);
    const garbled = await harness.waitForCondition('garbled', 'Healthy', 'False', 'MetricsMalformed');
    expect(garbled.message).toMatch(/^unreadable metrics: http:\/\/127\.0\.0\.\d+:\d+\/metrics: line 1: not a sample: "<html><body>502 Bad Gateway<\/body><\/html>"$/);
    expect((harness.status('hung') as MarketFeedStatus).health).toMatchObject({ endpoints: 2, failedEndpoints: 1, tcpSubscribers: 1 });
    // Rounds keep coming: the good feed's numbers are refreshed again after all that.
    const seen = harness.status('good')?.health?.lastScrapeTime;
    await waitFor(() => harness.status('good')?.health?.lastScrapeTime !== seen, { what: 'another refresh of the good feed' });
    await waitFor(() => events('MetricsMalformed').length > 0, { what: 'the MetricsMalformed event' });
    expect(events('MetricsMalformed').map((event) => event.involvedObject.name)).toEqual(['garbled']);
  });

  it('says nothing before the first pod runs; NoMetrics once its pods are gone; Unknown while paused', async () => {
    const feed = growingFeed({ latencySeconds: 0.000_002, gapsPerScrape: 0, subscribers: 0 });
    harness.createFeed('idle');
    harness.createFeed('quiet');
    const replica = await harness.startReplica({ health: { scrapeIntervalMs: 50, statusRefreshMs: 0 } });
    await pods.addPod({ feed: 'idle', namespace: NAMESPACE, name: 'idle-feed-1', containers: [{ name: 'publisher', answer: feed.publisher }] });
    await harness.waitForCondition('idle', 'Healthy', 'True', 'Healthy');
    // Rounds have passed over 'quiet' (no pods): it has no Healthy condition and no health.
    const scrapes = () => scrapeCount(replica.registry);
    const seen = await scrapes();
    await waitFor(async () => (await scrapes()) >= seen + 3, { what: 'three more scrapes' });
    expect(harness.condition('quiet', 'Healthy')).toBeUndefined();
    expect(harness.status('quiet')?.health).toBeUndefined();

    harness.server.store.delete('v1', 'Pod', NAMESPACE, 'idle-feed-1');
    const none = await harness.waitForCondition('idle', 'Healthy', 'False', 'NoMetrics');
    expect(none.message).toBe('no running pod of this feed has a metrics endpoint');
    await waitFor(() => events('NoMetrics').length === 1, { what: 'the NoMetrics event' });
    harness.updateSpec('idle', (spec) => (spec.paused = true));
    await harness.waitForCondition('idle', 'Healthy', 'Unknown', 'Paused');
  });
});

describe('live feed health across an operator restart', () => {
  it('the new leader writes nothing and records no Event for a feed whose health has not changed', async () => {
    const feed = growingFeed({ latencySeconds: 0.000_002, gapsPerScrape: 0, subscribers: 2 });
    harness.createFeed('steady', { slo: { maxP99Micros: 100, minRecordsPerSecond: 1 } });
    await pods.addPod({ feed: 'steady', namespace: NAMESPACE, name: 'steady-feed-1', containers: [{ name: 'publisher', answer: feed.publisher }, { name: 'shm-consumer-0', answer: feed.consumer }] });
    const settings = { scrapeIntervalMs: 50, statusRefreshMs: 60_000 };
    const first = await harness.startReplica({ identity: 'first', health: settings });
    await harness.waitForCondition('steady', 'Healthy', 'True', 'Healthy');
    await waitFor(() => harness.status('steady')?.health?.recordsPerSecond !== undefined, { what: 'a measured rate' });
    await harness.settle();
    await first.stop();
    const seq = harness.server.requests.mark();
    const eventsBefore = events().length;

    const second = await harness.startReplica({ identity: 'second', health: settings });
    const scrapes = () => scrapeCount(second.registry);
    // Five rounds of two endpoints: the first has no previous reading to take rates from.
    await waitFor(async () => (await scrapes()) >= 10, { what: 'five scrape rounds of the new leader' });
    await harness.settle();
    expect(harness.server.requests.since(seq, { resource: 'marketfeeds.marketfeed.dev', subresource: 'status' }).filter((record) => record.verb !== 'get' && record.verb !== 'list' && record.verb !== 'watch')).toEqual([]);
    expect(events().length).toBe(eventsBefore);
    expect(harness.condition('steady', 'Healthy')).toMatchObject({ status: 'True', reason: 'Healthy' });
  });
});

describe('live feed health before the pod cache has synced', () => {
  it('judges nothing while the Pod list fails (an empty cache is not "every pod gone")', async () => {
    harness.createFeed('known');
    harness.server.store.patchStatus('marketfeed.dev/v1alpha1', 'MarketFeed', NAMESPACE, 'known', {
      conditions: [{ type: 'Healthy', status: 'True', reason: 'Healthy', message: 'metrics received from all 1 endpoints; no spec.slo to judge them against', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 1 }],
    });
    harness.server.faults.failNext(1_000_000, { method: 'GET', path: /^\/api\/v1\/pods/, watch: false, status: 503 });
    const replica = await harness.startReplica({ health: { scrapeIntervalMs: 20, statusRefreshMs: 0 } });
    await waitFor(() => replica.manager.cacheSynced, { what: 'the feed caches' });
    await harness.settle();
    // Rounds came and went: the leader is running, the Pod list keeps failing.
    await waitFor(() => harness.server.requests.count({ resource: 'pods', status: 503 }) >= 3, { what: 'three failed Pod lists' });
    expect(harness.condition('known', 'Healthy')).toMatchObject({ status: 'True', reason: 'Healthy' });
    expect(events('NoMetrics')).toEqual([]);
  });
});

describe('live feed health with leader election', () => {
  it('only the leader scrapes', async () => {
    const feed = growingFeed({ latencySeconds: 0.000_002, gapsPerScrape: 0, subscribers: 0 });
    harness.createFeed('elected');
    await pods.addPod({ feed: 'elected', namespace: NAMESPACE, name: 'elected-feed-1', containers: [{ name: 'publisher', answer: feed.publisher }] });
    const settings = { scrapeIntervalMs: 50, statusRefreshMs: 0 };
    const replicas = [await harness.startReplica({ identity: 'a', leaderElection: true, health: settings }), await harness.startReplica({ identity: 'b', leaderElection: true, health: settings })];
    await harness.waitForCondition('elected', 'Healthy', 'True', 'Healthy');
    const scrapes = (index: number) => scrapeCount(replicas[index].registry);
    const leader = replicas.findIndex((replica) => replica.manager.isLeader);
    expect(leader).not.toBe(-1);
    await waitFor(async () => (await scrapes(leader)) >= 5, { what: 'the leader to scrape' });
    expect(await scrapes(1 - leader)).toBe(0);
  });
});
