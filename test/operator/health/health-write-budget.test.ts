// The status-write budget of live health at 200 feeds, counted from the test API server's
// request log: with numbers that change on every scrape (the worst case), each feed's
// status is written at most once per refresh interval (plus one for the window's edge),
// however often it is scraped, and a steady Healthy condition is never rewritten and
// records no Event. The production refresh interval is 60 s: at most one write per feed
// per minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMESPACE, OperatorHarness } from '../helpers/operator-harness.ts';
import { waitFor } from '../helpers/wait.ts';
import { FakeFeedPods, restlessEndpoint, scrapeCount } from './fake-feed-pods.ts';

const FEEDS = 200;
const REFRESH_MS = 4_000;
const WINDOW_MS = 12_000;

let harness: OperatorHarness;
let pods: FakeFeedPods;

beforeAll(async () => {
  harness = await OperatorHarness.start({ bookmarkIntervalMs: 0 });
  pods = new FakeFeedPods(harness.server);
});

afterAll(async () => {
  await harness.close();
  await pods.close();
});

describe('live health status writes at 200 feeds', () => {
  it('stays within one status write per feed per refresh interval when every number moves on every scrape', async () => {
    const names = Array.from({ length: FEEDS }, (_, index) => `feed-${String(index).padStart(3, '0')}`);
    for (const [index, name] of names.entries()) {
      harness.createFeed(name);
      await pods.addPod({ feed: name, namespace: NAMESPACE, name: `${name}-pod`, containers: [{ name: 'publisher', answer: restlessEndpoint(index) }] });
    }
    const replica = await harness.startReplica({ workers: 4, health: { scrapeIntervalMs: 100, statusRefreshMs: REFRESH_MS, timeoutMs: 5_000, concurrency: 8 } });
    const healthyCount = (): number =>
      names.filter((name) => harness.condition(name, 'Healthy')?.status === 'True' && harness.status(name)?.health?.recordsPerSecond !== undefined).length;
    await waitFor(() => healthyCount() === FEEDS, { what: () => `every feed Healthy with a rate (${healthyCount()}/${FEEDS})`, timeoutMs: 120_000, intervalMs: 250 });
    const transitions = harness.status(names[0])?.conditions?.find((condition) => condition.type === 'Healthy')?.lastTransitionTime;

    const scrapes = () => scrapeCount(replica.registry);
    const scrapesBefore = await scrapes();
    const seq = harness.server.requests.mark();
    const eventsBefore = harness.server.store.list('v1', 'Event', NAMESPACE).length;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const elapsedMs = performance.now() - started;
    const statusWrites = harness.server.requests.since(seq, { resource: 'marketfeeds.marketfeed.dev', subresource: 'status', status: 200 }).filter((record) => record.verb === 'patch');
    const scraped = (await scrapes()) - scrapesBefore;
    const perFeed = new Map<string, number>();
    for (const record of statusWrites) perFeed.set(record.name ?? '', (perFeed.get(record.name ?? '') ?? 0) + 1);
    const allowedPerFeed = Math.floor(elapsedMs / REFRESH_MS) + 1;
    process.stderr.write(
      `live health write budget: ${FEEDS} feeds, ${Math.round(elapsedMs)} ms, refresh ${REFRESH_MS} ms: ${statusWrites.length} status writes ` +
        `(${(statusWrites.length / FEEDS / (elapsedMs / REFRESH_MS)).toFixed(2)} per feed per refresh interval; allowed ${allowedPerFeed} per feed); ${scraped} scrapes\n`,
    );
    expect(statusWrites.length).toBeGreaterThan(0);
    for (const [name, count] of perFeed) expect(count, name).toBeLessThanOrEqual(allowedPerFeed);
    expect(statusWrites.length).toBeLessThanOrEqual(FEEDS * allowedPerFeed);
    // A steady condition: no transition, no Event.
    expect(harness.server.store.list('v1', 'Event', NAMESPACE).length).toBe(eventsBefore);
    expect(harness.status(names[0])?.conditions?.find((condition) => condition.type === 'Healthy')?.lastTransitionTime).toBe(transitions);
  }, 240_000);
});
