// The operator against the test API server, one replica, the real client-node over HTTP:
// a MarketFeed becomes its objects and a Ready status once pods report ready; spec changes
// write only what changed; drift and deletions are repaired; invalid and paused specs.
import type { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLIED_HASH_ANNOTATION } from '../../operator/reconcile/drift.ts';
import { NAMESPACE, OperatorHarness } from './helpers/operator-harness.ts';
import { waitFor } from './helpers/wait.ts';

let harness: OperatorHarness;

beforeEach(async () => {
  harness = await OperatorHarness.start();
});

afterEach(async () => {
  await harness.close();
});

describe('MarketFeed reconcile', () => {
  it('creates every object with an ownerReference, then reports Ready once the pods are ready', async () => {
    await harness.startReplica();
    const feed = harness.createFeed('alpha', { tcpConsumers: { replicas: 2 } });
    const names = harness.names('alpha');
    await waitFor(() => harness.ownedObjects('alpha').size === 5, { what: 'the five objects' });
    const objects = harness.ownedObjects('alpha');
    expect([...objects.keys()].sort()).toEqual(
      [`ConfigMap/${names.configMap}`, `Deployment/${names.feedDeployment}`, `Deployment/${names.tcpConsumers}`, `NetworkPolicy/${names.networkPolicy}`, `Service/${names.service}`].sort(),
    );
    for (const object of objects.values()) {
      expect(object.metadata.ownerReferences).toEqual([
        { apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed', name: 'alpha', uid: feed.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(object.metadata.annotations?.[APPLIED_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{16}$/);
      const managers = (object.metadata.managedFields as Array<{ manager: string; operation: string }>).map((entry) => `${entry.manager}:${entry.operation}`);
      expect(managers).toContain('marketfeed-operator:Apply');
    }
    const progressing = await harness.waitForCondition('alpha', 'Progressing', 'True', 'WaitingForPods');
    expect(harness.condition('alpha', 'Ready')).toMatchObject({ status: 'False', reason: 'PodsNotReady' });
    expect(harness.condition('alpha', 'Degraded')).toMatchObject({ status: 'False' });
    expect(progressing.observedGeneration).toBe(1);

    harness.markReady('alpha');
    await harness.waitForCondition('alpha', 'Ready', 'True', 'Available');
    const status = harness.status('alpha')!;
    expect(status).toMatchObject({
      observedGeneration: 1,
      endpoint: `${names.service}.${NAMESPACE}.svc:9000`,
      readyShmConsumers: 1,
      readyTcpConsumers: 2,
      tcpConsumerReplicas: 2,
    });
    expect(status.selector).toContain('app.kubernetes.io/component=tcp-consumer');
    expect(harness.condition('alpha', 'Progressing')).toMatchObject({ status: 'False', reason: 'Reconciled' });
    // Events for the transitions: objects created, then Ready.
    await waitFor(() => harness.server.store.list('v1', 'Event', NAMESPACE).some((event) => event.reason === 'Ready'), { what: 'a Ready event' });
    const reasons = harness.server.store.list('v1', 'Event', NAMESPACE).map((event) => event.reason);
    expect(reasons).toContain('Created');
  });

  it('writes nothing while nothing changes', async () => {
    const replica = await harness.startReplica();
    harness.createFeed('idle', { tcpConsumers: { replicas: 1 } });
    await waitFor(() => harness.ownedObjects('idle').size === 5);
    harness.markReady('idle');
    await harness.waitForCondition('idle', 'Ready', 'True');
    await harness.settle();
    const seq = harness.lastSeq();
    const changedBefore = await reconcileCount(replica.registry, 'changed');
    // Watches reconnect and bookmarks arrive meanwhile; something else in the namespace changes too.
    harness.server.faults.dropWatches('end');
    harness.server.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unrelated', namespace: NAMESPACE }, data: { a: '1' } });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(harness.writes(seq)).toEqual([]);
    // Reconciles may run (a resync after a reconnect) but find nothing to do.
    expect(await reconcileCount(replica.registry, 'changed')).toBe(changedBefore);
  });

  it('on a spec change writes only the objects that changed, and the status', async () => {
    await harness.startReplica();
    harness.createFeed('beta', { tcpConsumers: { replicas: 1 } });
    await waitFor(() => harness.ownedObjects('beta').size === 5);
    harness.markReady('beta');
    await harness.waitForCondition('beta', 'Ready', 'True');
    await harness.settle();
    const names = harness.names('beta');

    const seq = harness.lastSeq();
    harness.updateSpec('beta', (spec) => (spec.tcpConsumers = { replicas: 3 }));
    await waitFor(() => harness.server.store.get('apps/v1', 'Deployment', NAMESPACE, names.tcpConsumers)?.spec?.['replicas' as never] === 3, { what: 'the TCP consumers scaled to 3' });
    await harness.waitForCondition('beta', 'Ready', 'False');
    await harness.settle();
    const written = harness.writes(seq).map((record) => `${record.verb} ${record.resource}/${record.name}${record.subresource === undefined ? '' : `/${record.subresource}`}`);
    const objectWrites = written.filter((line) => !line.includes('events') && !line.includes('marketfeeds'));
    expect(objectWrites).toEqual([`apply deployments.apps/${names.tcpConsumers}`]);
    expect(written.filter((line) => line.includes('marketfeeds')).every((line) => line.endsWith('/status'))).toBe(true);
    expect(harness.status('beta')?.observedGeneration).toBe(2);

    // A change that reaches the ConfigMap and the pod templates (the image) rewrites those, not the Service or the NetworkPolicy.
    const seq2 = harness.lastSeq();
    harness.updateSpec('beta', (spec) => (spec.image = 'ghcr.io/marketfeed/marketfeed:0.2.0'));
    await waitFor(() => harness.status('beta')?.observedGeneration === 3);
    await harness.settle();
    const applied = harness
      .writes(seq2)
      .filter((record) => record.verb === 'apply')
      .map((record) => record.resource);
    expect(applied).not.toContain('services');
    expect(applied).not.toContain('networkpolicies.networking.k8s.io');
    expect(applied.filter((resource) => resource === 'deployments.apps')).toHaveLength(2);
    const image = (harness.server.store.get('apps/v1', 'Deployment', NAMESPACE, names.feedDeployment) as unknown as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec.template.spec.containers[0].image;
    expect(image).toBe('ghcr.io/marketfeed/marketfeed:0.2.0');
  });

  it('recreates an object someone deleted and repairs one someone changed', async () => {
    await harness.startReplica();
    harness.createFeed('gamma');
    await waitFor(() => harness.ownedObjects('gamma').size === 5);
    await harness.settle();
    const names = harness.names('gamma');
    const service = harness.server.store.get('v1', 'Service', NAMESPACE, names.service)!;

    harness.server.store.delete('v1', 'Service', NAMESPACE, names.service);
    await waitFor(() => {
      const now = harness.server.store.get('v1', 'Service', NAMESPACE, names.service);
      return now !== undefined && now.metadata.uid !== service.metadata.uid;
    }, { what: 'the Service recreated' });

    const configMap = harness.server.store.get('v1', 'ConfigMap', NAMESPACE, names.configMap)!;
    const data = configMap.data as Record<string, string>;
    harness.server.store.put({ ...configMap, data: { ...data, MARKETFEED_FEED: 'tampered', EXTRA: 'kept' } });
    await waitFor(() => (harness.server.store.get('v1', 'ConfigMap', NAMESPACE, names.configMap)!.data as Record<string, string>).MARKETFEED_FEED === 'gamma', {
      what: 'the ConfigMap repaired',
    });
    await waitFor(() => harness.server.store.list('v1', 'Event', NAMESPACE).some((event) => event.reason === 'Created' && String(event.message).includes(`Service ${names.service}`)));
  });

  it('when the MarketFeed is deleted its objects go (ownerReference cascade) and the operator does not recreate them', async () => {
    await harness.startReplica();
    harness.createFeed('delta');
    harness.createFeed('keeper');
    await waitFor(() => harness.ownedObjects('delta').size === 5 && harness.ownedObjects('keeper').size === 5);
    await harness.settle();
    harness.server.store.delete('marketfeed.dev/v1alpha1', 'MarketFeed', NAMESPACE, 'delta');
    await waitFor(() => harness.ownedObjects('delta').size === 0, { what: 'the objects of delta gone' });
    await harness.settle();
    expect(harness.ownedObjects('delta').size).toBe(0);
    expect(harness.ownedObjects('keeper').size).toBe(5);
  });

  it('deletes objects the spec no longer asks for', async () => {
    await harness.startReplica();
    harness.createFeed('epsilon');
    await waitFor(() => harness.ownedObjects('epsilon').size === 5);
    await harness.settle();
    // An object of ours (label and ownerReference) that the constructs do not produce: stale.
    const feed = harness.feed('epsilon')!;
    const labels = harness.ownedObjects('epsilon').get(`ConfigMap/${harness.names('epsilon').configMap}`)!.metadata.labels;
    harness.server.store.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'epsilon-old-config',
        namespace: NAMESPACE,
        labels,
        ownerReferences: [{ apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed', name: 'epsilon', uid: feed.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      data: {},
    });
    // Not ours (no ownerReference to the feed): left alone.
    harness.server.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'epsilon-user-config', namespace: NAMESPACE, labels }, data: {} });
    await waitFor(() => harness.server.store.get('v1', 'ConfigMap', NAMESPACE, 'epsilon-old-config') === undefined, { what: 'the stale ConfigMap deleted' });
    await harness.settle();
    expect(harness.server.store.get('v1', 'ConfigMap', NAMESPACE, 'epsilon-user-config')).toBeDefined();
    expect(harness.server.store.list('v1', 'Event', NAMESPACE).some((event) => event.reason === 'DeletedStale')).toBe(true);
  });

  it('reports an invalid spec as Degraded, leaves the objects alone, and recovers when the spec is fixed', async () => {
    const replica = await harness.startReplica();
    harness.createFeed('zeta');
    await waitFor(() => harness.ownedObjects('zeta').size === 5);
    await harness.settle();
    const before = harness.ownedObjects('zeta');
    // Slipped past the schema (no CEL here): a ring that does not fit /dev/shm.
    harness.updateSpec('zeta', (spec) => {
      spec.ringCapacity = 1 << 24;
      spec.shmSizeMi = 64;
    });
    const degraded = await harness.waitForCondition('zeta', 'Degraded', 'True', 'InvalidSpec');
    expect(degraded.message).toContain('shmSizeMi');
    expect(harness.condition('zeta', 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    await harness.settle();
    const after = harness.ownedObjects('zeta');
    for (const [key, object] of before) expect(after.get(key)?.metadata.resourceVersion).toBe(object.metadata.resourceVersion);
    expect(harness.server.store.list('v1', 'Event', NAMESPACE).some((event) => event.reason === 'InvalidSpec' && event.type === 'Warning')).toBe(true);
    expect(replica.manager.isLeader).toBe(true);

    // A spec with a wrong type altogether.
    harness.updateSpec('zeta', (spec) => (spec.rate = 'fast'));
    await waitFor(() => harness.status('zeta')?.observedGeneration === harness.feed('zeta')?.metadata.generation);
    expect(harness.condition('zeta', 'Degraded')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });

    harness.updateSpec('zeta', (spec) => {
      spec.rate = 1000;
      spec.shmSizeMi = 1100;
      spec.resources = { memoryMi: 1200 };
    });
    await harness.waitForCondition('zeta', 'Degraded', 'False');
    harness.markReady('zeta');
    await harness.waitForCondition('zeta', 'Ready', 'True');
  });

  it('paused: the feed pod and TCP consumers go to zero, the spec and Service stay; unpaused: back', async () => {
    await harness.startReplica();
    harness.createFeed('eta', { tcpConsumers: { replicas: 2 } });
    await waitFor(() => harness.ownedObjects('eta').size === 5);
    harness.markReady('eta');
    await harness.waitForCondition('eta', 'Ready', 'True');
    const names = harness.names('eta');
    harness.updateSpec('eta', (spec) => (spec.paused = true));
    await harness.waitForCondition('eta', 'Ready', 'False', 'Paused');
    const replicas = (name: string): unknown => (harness.server.store.get('apps/v1', 'Deployment', NAMESPACE, name)?.spec as { replicas?: number } | undefined)?.replicas ?? 'absent';
    expect([0, 'absent']).toContain(replicas(names.feedDeployment));
    expect([0, 'absent']).toContain(replicas(names.tcpConsumers));
    expect(harness.server.store.get('v1', 'Service', NAMESPACE, names.service)).toBeDefined();
    expect(harness.feed('eta')?.spec).toMatchObject({ paused: true, tcpConsumers: { replicas: 2 } });
    expect(harness.condition('eta', 'Degraded')).toMatchObject({ status: 'False' });

    harness.updateSpec('eta', (spec) => (spec.paused = false));
    await waitFor(() => replicas(names.feedDeployment) === 1 && replicas(names.tcpConsumers) === 2, { what: 'scaled back up' });
    harness.markReady('eta');
    await harness.waitForCondition('eta', 'Ready', 'True');
  });

  it('does not take over an object controlled by someone else: Degraded (OwnershipConflict), retried with backoff', async () => {
    const replica = await harness.startReplica();
    const names = harness.names('theta');
    // The other controller's object (a real owner: the server's garbage collector keeps what has one).
    const owner = harness.server.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other-owner', namespace: NAMESPACE }, data: {} });
    const foreign = harness.server.store.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: names.service,
        namespace: NAMESPACE,
        labels: { 'app.kubernetes.io/managed-by': 'marketfeed-operator' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'other-owner', uid: owner.metadata.uid!, controller: true }],
      },
      spec: { ports: [{ port: 1 }] },
    });
    harness.createFeed('theta');
    const degraded = await harness.waitForCondition('theta', 'Degraded', 'True', 'OwnershipConflict');
    expect(degraded.message).toContain(`Service ${names.service}`);
    // The other objects exist; the foreign Service is untouched.
    await waitFor(() => harness.ownedObjects('theta').size === 4);
    expect(harness.server.store.get('v1', 'Service', NAMESPACE, names.service)?.metadata.resourceVersion).toBe(foreign.metadata.resourceVersion);
    await waitFor(async () => (await reconcileCount(replica.registry, 'error')) >= 2, { what: 'retries' });
    // Once the other owner lets go, the feed takes the name.
    harness.server.store.delete('v1', 'Service', NAMESPACE, names.service);
    await harness.waitForCondition('theta', 'Degraded', 'False');
    await waitFor(() => harness.ownedObjects('theta').size === 5);
  });

  it('with --namespace, watches and reconciles that namespace only', async () => {
    await harness.startReplica({ namespace: NAMESPACE });
    harness.createFeed('inside');
    harness.createFeed('outside', {}, 'default');
    await waitFor(() => harness.ownedObjects('inside').size === 5);
    await harness.settle();
    expect(harness.server.store.list('apps/v1', 'Deployment', 'default')).toEqual([]);
    expect(harness.server.watches().every((watch) => watch.path.includes(`/namespaces/${NAMESPACE}/`))).toBe(true);
  });
});

async function reconcileCount(registry: Registry, result: string): Promise<number> {
  const metric = await registry.getSingleMetric('marketfeed_operator_reconcile_total')!.get();
  return metric.values.find((value) => value.labels.result === result)?.value ?? 0;
}
