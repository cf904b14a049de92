// Many MarketFeeds created at once: every one converges to Ready with a bounded number of
// writes each (the work queue deduplicates the burst of events each feed's own writes
// cause; read-your-writes keeps a reconcile from re-applying what it just wrote), and then
// the operator writes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MarketFeedStatus } from '../../cdk8s/api/marketfeed-types.ts';
import { NAMESPACE, OperatorHarness, OWNED } from './helpers/operator-harness.ts';
import { waitFor } from './helpers/wait.ts';

const FEEDS = 100;
let harness: OperatorHarness;

beforeEach(async () => {
  harness = await OperatorHarness.start({ bookmarkIntervalMs: 0 });
});

afterEach(async () => {
  await harness.close();
});

describe('many feeds', () => {
  it(`reconciles ${FEEDS} feeds created at once with a handful of writes each, then idles`, async () => {
    const replica = await harness.startReplica({ workers: 4 });
    await waitFor(() => replica.manager.cacheSynced);
    const names = Array.from({ length: FEEDS }, (_, i) => `feed-${String(i).padStart(3, '0')}`);
    for (const name of names) harness.createFeed(name, { tcpConsumers: { replicas: 1 + (name.length % 3) } });
    // One listing per poll (the store hands out copies: polling feed by feed would starve the operator).
    const objectsPerFeed = (): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const { apiVersion, kind } of OWNED) {
        for (const object of harness.server.store.list(apiVersion, kind, NAMESPACE)) {
          const feed = object.metadata.labels?.['marketfeed.dev/feed'] ?? '';
          counts.set(feed, (counts.get(feed) ?? 0) + 1);
        }
      }
      return counts;
    };
    await waitFor(() => names.every((name) => objectsPerFeed().get(name) === 5), { what: 'every feed to have its objects', timeoutMs: 60_000, intervalMs: 200 });
    for (const name of names) harness.markReady(name);
    const allReady = (): boolean =>
      harness.server.store
        .list('marketfeed.dev/v1alpha1', 'MarketFeed', NAMESPACE)
        .every((feed) => (feed.status as MarketFeedStatus | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true);
    await waitFor(allReady, { what: 'every feed Ready', timeoutMs: 60_000, intervalMs: 200 });
    await harness.settle();
    const writes = harness.objectWrites();
    const applies = writes.filter((record) => record.verb === 'apply');
    // Five objects per feed, each applied once.
    expect(applies.length).toBe(FEEDS * 5);
    // Status: WaitingForPods, then Ready (a couple more if readiness arrived in steps).
    const statusWrites = writes.filter((record) => record.subresource === 'status');
    expect(statusWrites.length).toBeLessThanOrEqual(FEEDS * 4);
    const seq = harness.lastSeq();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(harness.objectWrites(seq)).toEqual([]);
  });
});
