// Rollout with automatic rollback, end to end: the operator against the test API server with a
// test kubelet that makes pods of good images ready and never those of a `:bad` image.
// A change to the pod templates is a new revision; a ready one becomes the last good
// revision (kept as a ControllerRevision); one not ready within
// spec.rollout.progressDeadlineSeconds is rolled back to the last good one, once, with a
// RolledBack condition and a Warning Event; the deadline is measured from the status.
// With live health on, a revision is good only once its own pods' metrics, scraped while they
// are ready, meet spec.slo (and records flow): feed pods run by DeploymentPods serve metrics
// that depend on their image.
import type { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_IMAGE, MarketFeedStatusSchema } from '../../cdk8s/api/marketfeed-types.ts';
import { TestKubelet } from '../kube/test-kubelet.ts';
import { consumerText, DeploymentPods, FakeFeedPods, HANG, publisherText, type Answer } from './health/fake-feed-pods.ts';
import { NAMESPACE, OperatorHarness, type ReplicaOptions } from './helpers/operator-harness.ts';
import { eventually, waitFor } from './helpers/wait.ts';

const GOOD_IMAGE_2 = 'ghcr.io/marketfeed/marketfeed:0.2.0';
const BAD_IMAGE = 'ghcr.io/marketfeed/marketfeed:bad';
/** Pods of this image run and are ready, but every record takes ~2 ms. */
const SLOW_IMAGE = 'ghcr.io/marketfeed/marketfeed:slow';
/** Pods of this image are ready, but their metrics endpoints accept and never answer. */
const MUTE_IMAGE = 'ghcr.io/marketfeed/marketfeed:mute';
/** Without live health: a revision is judged on readiness alone. */
const READY_ONLY: ReplicaOptions = { health: false };

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
/** Live-health tests only: the feed pods and their metrics servers. */
let feedPods: { pods: FakeFeedPods; runner: DeploymentPods } | undefined;

beforeEach(async () => {
  harness = await OperatorHarness.start();
  kubelet = new TestKubelet(harness.server.store).start();
});

afterEach(async () => {
  kubelet.stop();
  await feedPods?.runner.stop();
  // Closing the metrics servers first ends any scrape hanging on them.
  await feedPods?.pods.close();
  feedPods = undefined;
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
  const first = await harness.startReplica(READY_ONLY);
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
    await harness.startReplica(READY_ONLY);
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
    const replica = await harness.startReplica(READY_ONLY);
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
    await harness.startReplica(READY_ONLY);
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
    await harness.startReplica(READY_ONLY);
    const degraded = await harness.waitForCondition('epsilon', 'Degraded', 'True', 'RevisionMissing');
    expect(degraded.message).toContain(`cannot restore revision ${good.revision}`);
    expect(runs('epsilon', DEFAULT_IMAGE)).toBe(true);
    expect(harness.objectWrites(seq).filter((record) => record.resource === 'deployments.apps')).toEqual([]);
  });

  it('a first revision that never becomes ready has nothing to roll back to: Failed, and Complete once it is ready after all', async () => {
    await harness.startReplica(READY_ONLY);
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

/** Metrics that grow on every scrape: a publisher's, or a consumer's with every record in the latency bucket of `latencySeconds`. */
function growing(publisher: boolean, latencySeconds: number): () => string {
  let records = 0;
  return () => ((records += 1_000), publisher ? publisherText(records, 1) : consumerText(records, 0, latencySeconds));
}

/**
 * Starts the feed pods (what a container answers depends on its image: `:slow` records take
 * ~2 ms, `:mute` never answers, others take ~2 µs) and a replica with live health scraping
 * every 50 ms. `gate(image)` false: the publisher of that image answers without its
 * published-records counter (a process up but not publishing yet).
 */
async function withFeedPods(gate: (image: string) => boolean = () => true): Promise<Map<string, number>> {
  const scrapes = new Map<string, number>();
  const answers = (image: string, container: string): (() => Answer) => {
    const publisher = container === 'publisher';
    const metrics = growing(publisher, image === SLOW_IMAGE ? 0.002 : 0.000_002);
    return () => {
      scrapes.set(image, (scrapes.get(image) ?? 0) + 1);
      if (image === MUTE_IMAGE) return HANG;
      return publisher && !gate(image) ? consumerText(0, 0, 0.000_002) : metrics();
    };
  };
  const pods = new FakeFeedPods(harness.server);
  feedPods = { pods, runner: new DeploymentPods(harness.server, pods, answers).start() };
  // Scrapes never time out here: a mute endpoint holds its round until the test ends.
  await harness.startReplica({ health: { scrapeIntervalMs: 50, timeoutMs: 60_000 } });
  return scrapes;
}

describe('rollout judged on live health', () => {
  it('a new revision that is ready but outside spec.slo is rolled back at the deadline, and the condition and Event say which objective it broke', async () => {
    await withFeedPods();
    harness.createFeed('slow', { rollout: { progressDeadlineSeconds: 3 }, slo: { maxP99Micros: 100 } });
    const good = await waitForPhase('slow', 'Complete');
    harness.updateSpec('slow', (spec) => (spec.image = SLOW_IMAGE));
    await waitFor(() => runs('slow', SLOW_IMAGE), { what: 'the slow image applied' });

    const rolledBack = await waitForPhase('slow', 'RolledBack');
    expect(rolledBack.lastGoodRevision).toBe(good.revision);
    const condition = harness.condition('slow', 'RolledBack');
    expect(condition).toMatchObject({ status: 'True', reason: 'ProgressDeadlineExceeded' });
    expect(condition?.message).toMatch(/was not ready and healthy within 3s \(ready, but unhealthy: outside spec\.slo: p99 latency \d+ µs > 100 µs\); restored revision /);
    await waitFor(() => events('RolledBack').length === 1, { what: 'a RolledBack event' });
    expect(events('RolledBack')[0]).toMatchObject({ type: 'Warning', message: condition?.message });
    await waitFor(() => runs('slow', DEFAULT_IMAGE), { what: 'the good images restored' });
  });

  it('a Healthy condition left by the previous revision\'s pods does not make a ready new revision good before its own pods are scraped', async () => {
    await withFeedPods();
    harness.createFeed('stale', { rollout: { progressDeadlineSeconds: 2 }, slo: { maxP99Micros: 100 } });
    const good = await waitForPhase('stale', 'Complete');
    await harness.waitForCondition('stale', 'Healthy', 'True', 'Healthy');
    // The new pods are ready, but their metrics never answer: the round that reaches them
    // never ends, so the Healthy condition stays as the old pods left it.
    harness.updateSpec('stale', (spec) => (spec.image = MUTE_IMAGE));
    const rolledBack = await waitForPhase('stale', 'RolledBack');
    expect(rolledBack.lastGoodRevision).toBe(good.revision);
    expect(harness.condition('stale', 'Healthy')).toMatchObject({ status: 'True', reason: 'Healthy' });
    expect(harness.condition('stale', 'RolledBack')?.message).toMatch(/\(ready, but no scrape of its ready pods has been judged yet\)/);
    await waitFor(() => runs('stale', DEFAULT_IMAGE), { what: 'the good images restored' });
  });

  it('a ready new revision becomes the last good one only once its own pods, scraped while ready, are healthy', async () => {
    let publishing = false;
    const scrapes = await withFeedPods((image) => image !== GOOD_IMAGE_2 || publishing);
    harness.createFeed('fine', { rollout: { progressDeadlineSeconds: 60 }, slo: { maxP99Micros: 100, minRecordsPerSecond: 1 } });
    const first = await waitForPhase('fine', 'Complete');
    harness.updateSpec('fine', (spec) => (spec.image = GOOD_IMAGE_2));
    // Ready, and scraped again and again, but its publisher publishes nothing yet.
    await waitFor(() => runs('fine', GOOD_IMAGE_2), { what: 'the new image applied' });
    await harness.waitForCondition('fine', 'Ready', 'True');
    await waitFor(() => (scrapes.get(GOOD_IMAGE_2) ?? 0) >= 9, { what: 'three rounds over the new pods' });
    expect(rollout('fine')).toMatchObject({ phase: 'Progressing', lastGoodRevision: first.revision });

    publishing = true;
    const second = await waitForPhase('fine', 'Complete', (status) => status.revision !== first.revision);
    expect(second.lastGoodRevision).toBe(second.revision);
    expect(second.message).toBe(`revision ${second.revision} is ready and healthy (within spec.slo: p99 ≤ 100 µs, rate ≥ 1 records/s): the last good revision`);
    expect(controllerRevision('fine', second.revision)).toBeDefined();
    await waitFor(() => events('RolloutComplete').length === 1, { what: 'a RolloutComplete event' });
  });
});
