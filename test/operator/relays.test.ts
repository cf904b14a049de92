// spec.relays through the operator, against the test API server: the relay DaemonSet is
// applied with the MarketFeed as its controller owner, follows spec changes, and is deleted
// when spec.relays is removed; relays that cannot hold the ring are reported, not applied.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NAMESPACE, OperatorHarness } from './helpers/operator-harness.ts';
import { waitFor } from './helpers/wait.ts';

let harness: OperatorHarness;

beforeEach(async () => {
  harness = await OperatorHarness.start();
});

afterEach(async () => {
  await harness.close();
});

interface RelayDaemonSet {
  metadata: { ownerReferences?: unknown[] };
  spec: { template: { spec: { nodeSelector?: Record<string, string>; containers: Array<{ args: string[] }> } } };
}

function relayDaemonSet(name: string): RelayDaemonSet | undefined {
  return harness.ownedObjects(name).get(`DaemonSet/${harness.names(name).relayDaemonSet}`) as unknown as RelayDaemonSet | undefined;
}

describe('MarketFeed spec.relays', () => {
  it('runs a relay DaemonSet owned by the feed, updates it with the spec, and deletes it when relays are removed', async () => {
    await harness.startReplica();
    const feed = harness.createFeed('beta', { relays: { nodeSelector: { 'node.example.com/trading': 'true' } } });
    await waitFor(() => relayDaemonSet('beta') !== undefined, { what: 'the relay DaemonSet' });
    const created = relayDaemonSet('beta')!;
    expect(created.metadata.ownerReferences).toEqual([
      { apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed', name: 'beta', uid: feed.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(created.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(['relay', '--from', `${harness.names('beta').service}.${NAMESPACE}.svc:9000`]));
    expect(harness.ownedObjects('beta').size).toBe(6);

    harness.updateSpec('beta', (spec) => {
      spec.relays = { nodeSelector: { 'node.example.com/trading': 'yes' } };
    });
    await waitFor(() => relayDaemonSet('beta')?.spec.template.spec.nodeSelector?.['node.example.com/trading'] === 'yes', { what: 'the new node selector' });

    const seq = harness.lastSeq();
    harness.updateSpec('beta', (spec) => {
      delete spec.relays;
    });
    await waitFor(() => relayDaemonSet('beta') === undefined, { what: 'the DaemonSet deleted' });
    expect(harness.objectWrites(seq).some((write) => write.verb === 'delete' && write.path.includes('/daemonsets/'))).toBe(true);
    expect(harness.ownedObjects('beta').size).toBe(5);
    await waitFor(() => harness.server.store.list('v1', 'Event', NAMESPACE).some((event) => event.reason === 'DeletedStale' && String(event.message).includes('DaemonSet')), {
      what: 'a DeletedStale event naming the DaemonSet',
    });
  });

  it('shows the relay DaemonSet\'s readiness in the feed status and the Ready message, without making the feed not Ready', async () => {
    await harness.startReplica();
    harness.createFeed('delta', { relays: {} });
    await waitFor(() => relayDaemonSet('delta') !== undefined, { what: 'the relay DaemonSet' });
    harness.markReady('delta');
    await harness.waitForCondition('delta', 'Ready', 'True');
    const name = harness.names('delta').relayDaemonSet;
    harness.server.store.patchStatus('apps/v1', 'DaemonSet', NAMESPACE, name, { desiredNumberScheduled: 3, numberReady: 1 });
    await waitFor(() => harness.status('delta')?.relaysReady === 1 && harness.status('delta')?.relaysDesired === 3, { what: 'relays 1/3 in the status' });
    expect(harness.condition('delta', 'Ready')?.status).toBe('True');
    expect(harness.condition('delta', 'Ready')?.message).toContain('1/3 relays ready');

    harness.server.store.patchStatus('apps/v1', 'DaemonSet', NAMESPACE, name, { desiredNumberScheduled: 3, numberReady: 3 });
    await waitFor(() => harness.status('delta')?.relaysReady === 3, { what: 'relays 3/3 in the status' });
    expect(harness.condition('delta', 'Ready')?.status).toBe('True');
    expect(harness.condition('delta', 'Ready')?.message).not.toContain('relays');
  });

  it('reports relays that cannot hold the ring as Degraded and applies no DaemonSet', async () => {
    await harness.startReplica();
    harness.createFeed('gamma', { relays: { resources: { memoryMi: 32 } } });
    const degraded = await harness.waitForCondition('gamma', 'Degraded', 'True');
    expect(degraded.message).toContain('spec.relays.resources.memoryMi: 32 is too small');
    expect(relayDaemonSet('gamma')).toBeUndefined();
  });
});
