// No write loop: against a test API server that stores objects as a real one does (zero
// values of omitempty fields dropped, quantities canonical, defaults; an apply carrying what
// the server drops writes once a new second has begun), 200 feeds converge, then nothing
// changes, then the operator restarts, then nothing changes: after the first convergence
// the request log holds no write and no Event. The idle spells are short here (CI); the
// operator bench runs the same scenario with 60 s ones.
import type { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleFeeds, isReconciled } from '../../bench/operator/feed-fleet.ts';
import { Kubelet } from '../../bench/operator/kubelet.ts';
import type { RequestRecord } from '../kube/test-api-server.ts';
import { NAMESPACE, OperatorHarness } from './helpers/operator-harness.ts';
import { waitFor } from './helpers/wait.ts';

const FEEDS = 200;
/** Long enough for managedFields times to move (one-second resolution) at least twice. */
const IDLE_MS = 2_500;

let harness: OperatorHarness;

beforeEach(async () => {
  harness = await OperatorHarness.start({ bookmarkIntervalMs: 0 });
});

afterEach(async () => {
  await harness.close();
});

/** `verb resource` → count, for a readable failure. */
function tally(records: RequestRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) {
    const key = `${record.verb} ${record.resource ?? ''}${record.subresource === undefined ? '' : `/${record.subresource}`}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

async function reconciles(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('marketfeed_operator_reconcile_total')!.get();
  return metric.values.reduce((sum, value) => sum + value.value, 0);
}

/** Waits for a spell of `quietMs` without object writes, for at most `limitMs` (a write loop never gets quiet). */
async function quietSpell(quietMs: number, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  let seen = harness.objectWrites().length;
  let since = performance.now();
  while (performance.now() - since < quietMs && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const count = harness.objectWrites().length;
    if (count !== seen) [seen, since] = [count, performance.now()];
  }
}

describe('idle writes', () => {
  it(`${FEEDS} feeds converge; then idle, an operator restart, idle again: not one write or Event`, async () => {
    const first = await harness.startReplica({ workers: 4 });
    await waitFor(() => first.manager.cacheSynced);
    for (const feed of exampleFeeds(FEEDS, NAMESPACE)) harness.server.store.put(feed);
    const kubelet = new Kubelet(harness.server);
    let reconciled = 0;
    await waitFor(
      () => {
        kubelet.markNewDeploymentsReady();
        reconciled = harness.server.store.list('marketfeed.dev/v1alpha1', 'MarketFeed', NAMESPACE).filter(isReconciled).length;
        return reconciled === FEEDS;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: () => `every feed Ready (${reconciled} of ${FEEDS})` },
    );
    // The last Ready Events follow the last status writes.
    await quietSpell(1_000, 30_000);
    const converged = harness.lastSeq();
    const convergenceApplies = harness.objectWrites().filter((record) => record.verb === 'apply').length;

    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idle = harness.objectWrites(converged);

    const restartedAt = harness.lastSeq();
    await first.stop();
    const second = await harness.startReplica({ workers: 4 });
    await waitFor(async () => second.manager.cacheSynced && (await reconciles(second.registry)) >= FEEDS, { timeoutMs: 60_000, what: `the new replica to reconcile all ${FEEDS} feeds` });
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const afterRestart = harness.objectWrites(restartedAt);

    expect({ idle: tally(idle), afterRestart: tally(afterRestart) }).toEqual({ idle: {}, afterRestart: {} });
    // Five objects per feed, each applied once.
    expect(convergenceApplies).toBe(FEEDS * 5);
    // Every feed still Ready, nothing re-applied.
    expect(harness.server.store.list('marketfeed.dev/v1alpha1', 'MarketFeed', NAMESPACE).filter(isReconciled)).toHaveLength(FEEDS);
  }, 300_000);
});
