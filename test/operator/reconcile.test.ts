// The operator against the test API server, one replica, the real client-node over HTTP:
// a MarketFeed becomes its objects and a Ready status once pods report ready; spec changes
// write only what changed; drift and deletions are repaired; invalid and paused specs.
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
});
