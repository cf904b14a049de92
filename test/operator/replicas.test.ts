// Two operator replicas with leader election on one API server: exactly one holds the
// Lease and every write comes from it (the request log's User-Agent names the replica);
// when the leader stops it releases the Lease and the other takes over at once; when the
// leader goes away without releasing, the other takes over once the Lease expires.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NAMESPACE, OperatorHarness } from './helpers/operator-harness.ts';
import { waitFor } from './helpers/wait.ts';

let harness: OperatorHarness;

beforeEach(async () => {
  harness = await OperatorHarness.start();
});

afterEach(async () => {
  harness.server.faults.clear();
  await harness.close();
});

function lease(): { holderIdentity?: string; leaseTransitions?: number } | undefined {
  return harness.server.store.get('coordination.k8s.io/v1', 'Lease', NAMESPACE, 'marketfeed-operator')?.spec as { holderIdentity?: string } | undefined;
}

function writers(afterSeq = 0): Set<string | undefined> {
  return new Set(harness.objectWrites(afterSeq).map((record) => record.userAgent));
}

async function feedsReady(names: string[]): Promise<void> {
  for (const name of names) {
    await waitFor(() => harness.ownedObjects(name).size === 5, { what: `the objects of ${name}` });
    harness.markReady(name);
    await harness.waitForCondition(name, 'Ready', 'True');
  }
}

describe('two operator replicas', () => {
  it('exactly one reconciles; the other takes over at once when the leader stops', async () => {
    const [a, b] = await Promise.all([harness.startReplica({ identity: 'replica-a', leaderElection: true }), harness.startReplica({ identity: 'replica-b', leaderElection: true })]);
    await waitFor(() => a.manager.isLeader || b.manager.isLeader, { what: 'a leader' });
    const [leader, standby] = a.manager.isLeader ? [a, b] : [b, a];
    expect(standby.manager.isLeader).toBe(false);
    expect(lease()?.holderIdentity).toBe(leader.identity);
    await waitFor(() => standby.manager.cacheSynced);

    harness.createFeed('one');
    harness.createFeed('two', { tcpConsumers: { replicas: 2 } });
    await feedsReady(['one', 'two']);
    await harness.settle();
    expect(standby.manager.isLeader).toBe(false);
    expect(writers()).toEqual(new Set([`marketfeed-operator (${leader.identity})`]));
    // The standby read the Lease but never wrote anything, the Lease included.
    expect(harness.writes().filter((record) => record.userAgent === `marketfeed-operator (${standby.identity})`)).toEqual([]);

    const seq = harness.lastSeq();
    await leader.stop();
    expect(lease()?.holderIdentity).not.toBe(leader.identity);
    await waitFor(() => standby.manager.isLeader, { what: 'the standby to lead' });
    expect(lease()?.holderIdentity).toBe(standby.identity);
    harness.createFeed('three');
    harness.updateSpec('one', (spec) => (spec.rate = 1234));
    await feedsReady(['three']);
    await waitFor(() => harness.status('one')?.observedGeneration === 2, { what: 'the change to one' });
    await harness.settle();
    expect(writers(seq)).toEqual(new Set([`marketfeed-operator (${standby.identity})`]));
  });

  it('takes over after the lease expires when the leader vanished without releasing it', async () => {
    const a = await harness.startReplica({ identity: 'replica-a', leaderElection: true });
    await waitFor(() => a.manager.isLeader);
    const b = await harness.startReplica({ identity: 'replica-b', leaderElection: true });
    harness.createFeed('kept');
    await feedsReady(['kept']);
    await harness.settle();
    // a's release (a PATCH of the Lease) fails: the Lease stays a's until it expires.
    harness.server.faults.failNext(1, { method: 'PATCH', path: `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/marketfeed-operator` });
    await a.stop();
    expect(lease()?.holderIdentity).toBe('replica-a');
    await waitFor(() => b.manager.isLeader, { what: 'b to take over the expired lease' });
    expect(lease()).toMatchObject({ holderIdentity: 'replica-b' });
    harness.updateSpec('kept', (spec) => (spec.tcpConsumers = { replicas: 3 }));
    await waitFor(() => harness.status('kept')?.observedGeneration === 2);
    expect(harness.objectWrites().at(-1)?.userAgent).toBe('marketfeed-operator (replica-b)');
  });
});
