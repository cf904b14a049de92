// The operator converges whatever the API server does to it: 5xx answers to writes, lists
// and watches, watch streams broken mid-way or closed, watch history expired (410 Gone,
// re-list), slow answers. Each test breaks something, then checks that the end state is
// right; none asserts on timing.
import type { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NAMESPACE, OperatorHarness } from './helpers/operator-harness.ts';
import { waitFor } from './helpers/wait.ts';

let harness: OperatorHarness;

beforeEach(async () => {
  harness = await OperatorHarness.start({ bookmarkIntervalMs: 0 });
});

afterEach(async () => {
  harness.server.faults.clear();
  await harness.close();
});

async function counter(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values.reduce((sum, value) => sum + value.value, 0);
}

async function readyFeed(name: string, spec = {}): Promise<void> {
  harness.createFeed(name, spec);
  await waitFor(() => harness.ownedObjects(name).size === 5, { what: `the objects of ${name}` });
  harness.markReady(name);
  await harness.waitForCondition(name, 'Ready', 'True');
}

describe('operator under API faults', () => {
  it('retries failed applies and status writes with backoff and converges', async () => {
    const replica = await harness.startReplica();
    await waitFor(() => replica.manager.cacheSynced);
    harness.server.faults.failNext(6, { method: 'PATCH', status: 500 });
    harness.server.faults.failNext(2, { method: 'PATCH', status: 503, retryAfterSeconds: 1 });
    await readyFeed('faulty');
    expect(harness.server.faults.injected).toBe(8);
    expect(await counter(replica.registry, 'marketfeed_operator_reconcile_errors_total')).toBeGreaterThan(0);
    expect(replica.manager.isLeader).toBe(true);
  });

  it('starts although its first lists and watches fail, restarting the informers', async () => {
    harness.server.faults.failNext(12, { method: 'GET', status: 500 });
    const replica = await harness.startReplica();
    await waitFor(() => replica.manager.cacheSynced, { what: 'the caches to sync' });
    expect(await counter(replica.registry, 'marketfeed_operator_watch_restarts_total')).toBeGreaterThan(0);
    await readyFeed('late');
  });

  it('survives watches broken mid-stream and closed cleanly, missing nothing that happened meanwhile', async () => {
    const replica = await harness.startReplica();
    await readyFeed('steady');
    const names = harness.names('steady');
    for (const mode of ['destroy', 'end'] as const) {
      const restarts = await counter(replica.registry, 'marketfeed_operator_watch_restarts_total');
      // Watches fail to reconnect a few times as well.
      harness.server.faults.failNext(3, { method: 'GET', watch: true, status: 502 });
      harness.server.faults.dropWatches(mode);
      harness.server.store.delete('v1', 'Service', NAMESPACE, names.service);
      await waitFor(() => harness.server.store.get('v1', 'Service', NAMESPACE, names.service) !== undefined, { what: `the Service recreated after a ${mode}` });
      if (mode === 'destroy') expect(await counter(replica.registry, 'marketfeed_operator_watch_restarts_total')).toBeGreaterThan(restarts);
    }
    await readyFeed('after');
  });

  it('re-lists after 410 Gone (expired history) and acts on what changed while it was not watching', async () => {
    await harness.startReplica();
    await readyFeed('old');
    const names = harness.names('old');
    const gone = harness.server.goneWatches();
    // While no watch is open: history expires, a feed is created, one of old's objects is deleted.
    harness.server.faults.failNext(4, { method: 'GET', watch: true, status: 500 });
    harness.server.faults.dropWatches('destroy');
    harness.server.faults.expireHistory();
    harness.createFeed('new');
    harness.server.store.delete('v1', 'ConfigMap', NAMESPACE, names.configMap);
    harness.server.faults.expireHistory();
    await waitFor(() => harness.ownedObjects('new').size === 5, { what: 'the objects of the feed created while not watching' });
    await waitFor(() => harness.server.store.get('v1', 'ConfigMap', NAMESPACE, names.configMap) !== undefined, { what: 'the ConfigMap recreated' });
    // And a 410 for a watch from a recent version.
    harness.server.faults.goneNextWatches(3);
    harness.server.faults.dropWatches('end');
    harness.updateSpec('new', (spec) => (spec.rate = 5000));
    await waitFor(() => harness.status('new')?.observedGeneration === 2, { what: 'the change after the 410s' });
    expect(harness.server.goneWatches()).toBeGreaterThan(gone);
  });

  it('converges with slow answers', async () => {
    harness.server.faults.delay(150, { method: 'PATCH' });
    await harness.startReplica();
    await readyFeed('slow', { tcpConsumers: { replicas: 2 } });
    await harness.settle();
  });
});
