// Rollout with automatic rollback, end to end: the operator against the test API server with a
// test kubelet that makes pods of good images ready and never those of a `:bad` image.
// A change to the pod templates is a new revision; a ready one becomes the last good
// revision (kept as a ControllerRevision); one not ready within
// spec.rollout.progressDeadlineSeconds is rolled back to the last good one, once, with a
// RolledBack condition and a Warning Event; the deadline is measured from the status.
import type { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_IMAGE, MarketFeedStatusSchema } from '../../cdk8s/api/marketfeed-types.ts';
import { TestKubelet } from '../kube/test-kubelet.ts';
import { NAMESPACE, OperatorHarness } from './helpers/operator-harness.ts';
import { eventually, waitFor } from './helpers/wait.ts';

const GOOD_IMAGE_2 = 'ghcr.io/marketfeed/marketfeed:0.2.0';
const BAD_IMAGE = 'ghcr.io/marketfeed/marketfeed:bad';

interface RolloutStatus {
  revision: string;
  phase: string;
  startedAt?: string;
  lastGoodRevision?: string;
  message: string;
  history?: Array<{ revision: string; result: string; at: string }>;
}

let harness: OperatorHarness;
let kubelet: TestKubelet;

beforeEach(async () => {
  harness = await OperatorHarness.start();
  kubelet = new TestKubelet(harness.server.store).start();
});

afterEach(async () => {
  kubelet.stop();
  await harness.close();
});

function rollout(name: string): RolloutStatus | undefined {
  return (harness.status(name) as { rollout?: RolloutStatus } | undefined)?.rollout;
}

/** Waits until the status describes the current generation and its rollout is in `phase`. */
async function waitForPhase(name: string, phase: string, other?: (status: RolloutStatus) => boolean): Promise<RolloutStatus> {
  return eventually(
    () => {
      const status = rollout(name);
      if (status?.phase !== phase || harness.status(name)?.observedGeneration !== harness.feed(name)?.metadata.generation) return undefined;
      return other === undefined || other(status) ? status : undefined;
    },
    { what: () => `${name}: rollout ${phase}; status now ${JSON.stringify(harness.status(name))}` },
  );
}

/** Images of every container of the feed's Deployments, "Deployment/container=image". */
function images(name: string): string[] {
  const names = harness.names(name);
  return [names.feedDeployment, names.tcpConsumers].flatMap((deployment) => {
    const object = harness.server.store.get('apps/v1', 'Deployment', NAMESPACE, deployment) as unknown as { spec: { template: { spec: { containers: Array<{ name: string; image: string }> } } } };
    return object.spec.template.spec.containers.map((container) => `${deployment}/${container.name}=${container.image}`);
  });
}

/** Whether every container of the feed's Deployments has `image`. */
function runs(name: string, image: string): boolean {
  return images(name).every((entry) => entry.endsWith(`=${image}`));
}

function templates(name: string): unknown[] {
  const names = harness.names(name);
  return [names.feedDeployment, names.tcpConsumers].map((deployment) => harness.server.store.get('apps/v1', 'Deployment', NAMESPACE, deployment)?.spec?.['template' as never]);
}

function controllerRevision(feed: string, revision: string): KubeObject | undefined {
  return harness.server.store.get('apps/v1', 'ControllerRevision', NAMESPACE, `${feed}-${revision}`);
}

async function rolloutEventCount(registry: Registry, reason: string): Promise<number> {
  const metric = await registry.getSingleMetric('marketfeed_operator_rollout_events_total')?.get();
  return metric?.values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

/** A replica, a feed whose first revision completes, then the bad image asked for. */
async function goodThenBadImage(name: string, progressDeadlineSeconds: number): Promise<{ first: Awaited<ReturnType<OperatorHarness['startReplica']>>; good: RolloutStatus }> {
  const first = await harness.startReplica();
  harness.createFeed(name, { rollout: { progressDeadlineSeconds } });
  const good = await waitForPhase(name, 'Complete');
  harness.updateSpec(name, (spec) => (spec.image = BAD_IMAGE));
  return { first, good };
}

function events(reason: string): KubeObject[] {
  return harness.server.store.list('v1', 'Event', NAMESPACE).filter((event) => event.reason === reason);
}

describe('rollout', () => {
  it('a ready new revision becomes the last good one, kept as a ControllerRevision owned by the feed', async () => {
    await harness.startReplica();
    const feed = harness.createFeed('alpha', { rollout: { progressDeadlineSeconds: 60 } });
    const first = await waitForPhase('alpha', 'Complete');
    expect(first.lastGoodRevision).toBe(first.revision);
    expect(first.revision).toMatch(/^[0-9a-f]{10}$/);
    const stored = controllerRevision('alpha', first.revision);
    expect(stored?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'MarketFeed', name: 'alpha', uid: feed.metadata.uid, controller: true })]);
    expect((stored as unknown as { revision: number }).revision).toBe(1);
    expect(harness.condition('alpha', 'RolledBack')).toMatchObject({ status: 'False' });

    harness.updateSpec('alpha', (spec) => (spec.image = GOOD_IMAGE_2));
    const second = await waitForPhase('alpha', 'Complete', (status) => status.revision !== first.revision);
    expect(second.lastGoodRevision).toBe(second.revision);
    expect(second.history?.map((entry) => [entry.revision, entry.result])).toEqual([
      [first.revision, 'Good'],
      [second.revision, 'Good'],
    ]);
    expect(controllerRevision('alpha', second.revision)).toBeDefined();
    expect(runs('alpha', GOOD_IMAGE_2)).toBe(true);
    await waitFor(() => events('RolloutComplete').length === 1, { what: 'a RolloutComplete event' });
    expect(events('RolloutStarted')).toHaveLength(1);
    // A change outside the pod templates (the TCP consumers' replicas) is no new revision.
    harness.updateSpec('alpha', (spec) => (spec.tcpConsumers = { replicas: 2 }));
    const scaled = await waitForPhase('alpha', 'Complete', () => harness.status('alpha')?.tcpConsumerReplicas === 2);
    expect(scaled.revision).toBe(second.revision);
  });

  it('a revision not ready within the deadline is rolled back to the last good one, once, and is not retried until the spec changes again', async () => {
    const replica = await harness.startReplica();
    harness.createFeed('beta', { rollout: { progressDeadlineSeconds: 2 }, tcpConsumers: { replicas: 2 } });
    const good = await waitForPhase('beta', 'Complete');
    await harness.settle();
    const goodImages = images('beta');
    const goodTemplates = templates('beta');

    harness.updateSpec('beta', (spec) => (spec.image = BAD_IMAGE));
    const progressing = await waitForPhase('beta', 'Progressing', (status) => status.revision !== good.revision);
    expect(progressing.startedAt).toBeDefined();
    await waitFor(() => runs('beta', BAD_IMAGE), { what: 'the bad image applied' });

    const rolledBack = await waitForPhase('beta', 'RolledBack');
    expect(rolledBack).toMatchObject({ revision: progressing.revision, lastGoodRevision: good.revision, startedAt: progressing.startedAt });
    const condition = harness.condition('beta', 'RolledBack');
    expect(condition).toMatchObject({ status: 'True', reason: 'ProgressDeadlineExceeded' });
    expect(condition?.message).toContain(`revision ${progressing.revision}`);
    expect(condition?.message).toContain(`restored revision ${good.revision}`);
    expect(condition?.message).toContain('0 of 1 updated replicas are available');
    expect(rolledBack.history?.map((entry) => [entry.revision, entry.result])).toEqual([
      [good.revision, 'Good'],
      [progressing.revision, 'RolledBack'],
    ]);
    // The pod templates of the last good revision are back, exactly.
    await waitFor(() => images('beta').join() === goodImages.join(), { what: 'the good images restored' });
    expect(templates('beta')).toEqual(goodTemplates);
    expect([...Value.Errors(MarketFeedStatusSchema, harness.status('beta'))]).toEqual([]);
    await waitFor(() => events('RolledBack').length === 1, { what: 'a RolledBack event' });
    expect(await rolloutEventCount(replica.registry, 'RolledBack')).toBe(1);
    expect(await rolloutEventCount(replica.registry, 'RolloutStarted')).toBe(1);
    expect(events('RolledBack')[0]).toMatchObject({ type: 'Warning', message: condition?.message });
    await harness.waitForCondition('beta', 'Ready', 'True');

    // Idle for longer than the deadline: the bad revision is not retried, nothing is written.
    await harness.settle();
    const seq = harness.lastSeq();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(harness.objectWrites(seq)).toEqual([]);
    expect(rollout('beta')?.phase).toBe('RolledBack');

    // The rest of the spec still applies to the restored revision: the TCP consumers scale, on the good template.
    harness.updateSpec('beta', (spec) => (spec.tcpConsumers = { replicas: 3 }));
    await waitForPhase('beta', 'RolledBack');
    await waitFor(() => harness.server.store.get('apps/v1', 'Deployment', NAMESPACE, harness.names('beta').tcpConsumers)?.spec?.['replicas' as never] === 3, { what: 'the TCP consumers scaled to 3' });
    expect(images('beta').join()).toBe(goodImages.join());
    expect(events('RolledBack')).toHaveLength(1);

    // A new spec with another template is a new rollout.
    harness.updateSpec('beta', (spec) => (spec.image = GOOD_IMAGE_2));
    const fixed = await waitForPhase('beta', 'Complete', (status) => status.revision !== good.revision && status.revision !== progressing.revision);
    expect(fixed.lastGoodRevision).toBe(fixed.revision);
    await harness.waitForCondition('beta', 'RolledBack', 'False');

    // Asking for the bad template again is asked anew: it is retried, and rolled back again.
    harness.updateSpec('beta', (spec) => (spec.image = BAD_IMAGE));
    await waitFor(() => runs('beta', BAD_IMAGE), { what: 'the bad image retried' });
    const again = await waitForPhase('beta', 'RolledBack');
    expect(again).toMatchObject({ revision: progressing.revision, lastGoodRevision: fixed.revision });
    await waitFor(() => events('RolledBack').length === 2, { what: 'a second RolledBack event' });
    await waitFor(() => runs('beta', GOOD_IMAGE_2), { what: 'the fixed images restored' });
  });

  it('the deadline is measured from the status: an operator restarted mid-rollout rolls back when the deadline has passed', async () => {
    const { first, good } = await goodThenBadImage('gamma', 600);
    const progressing = await waitForPhase('gamma', 'Progressing', (status) => status.revision !== good.revision);
    await first.stop();

    // The rollout started 11 minutes ago as far as the status says: a replica that counted
    // from its own start would wait 10 more minutes.
    const startedAt = new Date(Date.now() - 11 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    harness.server.store.patchStatus('marketfeed.dev/v1alpha1', 'MarketFeed', NAMESPACE, 'gamma', { rollout: { startedAt } });
    await harness.startReplica();
    const rolledBack = await waitForPhase('gamma', 'RolledBack');
    expect(rolledBack).toMatchObject({ revision: progressing.revision, lastGoodRevision: good.revision, startedAt });
    await waitFor(() => runs('gamma', DEFAULT_IMAGE), { what: 'the good images restored' });
  });

  it('a rolled-back feed whose last good ControllerRevision was deleted is Degraded, and its objects are left as they are (no retry)', async () => {
    const { first, good } = await goodThenBadImage('epsilon', 1);
    await waitForPhase('epsilon', 'RolledBack');
    await waitFor(() => runs('epsilon', DEFAULT_IMAGE), { what: 'the good images restored' });
    await first.stop();
    // A new operator process must read the revision back; someone deleted it.
    harness.server.store.delete('apps/v1', 'ControllerRevision', NAMESPACE, `epsilon-${good.revision}`);
    const seq = harness.lastSeq();
    await harness.startReplica();
    const degraded = await harness.waitForCondition('epsilon', 'Degraded', 'True', 'RevisionMissing');
    expect(degraded.message).toContain(`cannot restore revision ${good.revision}`);
    expect(runs('epsilon', DEFAULT_IMAGE)).toBe(true);
    expect(harness.objectWrites(seq).filter((record) => record.resource === 'deployments.apps')).toEqual([]);
  });

  it('a first revision that never becomes ready has nothing to roll back to: Failed, and Complete once it is ready after all', async () => {
    await harness.startReplica();
    harness.createFeed('delta', { image: BAD_IMAGE, rollout: { progressDeadlineSeconds: 1 } });
    const failed = await waitForPhase('delta', 'Failed');
    expect(failed.lastGoodRevision).toBeUndefined();
    expect(harness.condition('delta', 'RolledBack')).toMatchObject({ status: 'False', reason: 'NoGoodRevision' });
    await waitFor(() => events('RolloutFailed').length === 1, { what: 'a RolloutFailed event' });
    expect(runs('delta', BAD_IMAGE)).toBe(true);
    // The image turns out fine after all (say, the registry came back): the revision is good.
    kubelet.stop();
    kubelet = new TestKubelet(harness.server.store, { imageReady: () => true }).start();
    const complete = await waitForPhase('delta', 'Complete');
    expect(complete.lastGoodRevision).toBe(failed.revision);
  });
});
