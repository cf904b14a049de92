// The rollout state machine (pure), the revision hash and the readiness judgement, without an
// API server: deadlines from status times, the retry rule, pausing, the bounded history, and
// kubectl rollout status's rules.
import { Value } from '@sinclair/typebox/value';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { ROLLOUT_HISTORY_LIMIT, RolloutStatusSchema, type RolloutStatus } from '../../cdk8s/api/marketfeed-types.ts';
import { desiredObjects } from '../../cdk8s/feed/desired-objects.ts';
import { deploymentRolloutWait, isRevisionGood, judgeRevision } from '../../operator/rollout/revision-readiness.ts';
import { LABEL_POD_TEMPLATE, podTemplateRevision, withCurrentReplicas, withPodTemplateLabel, type RevisionPods } from '../../operator/rollout/revision.ts';
import { nextRollout, recordResult, rolledBackCondition, rolloutEvents, type RolloutInputs } from '../../operator/rollout/rollout-state.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const base: Omit<RolloutInputs, 'previous' | 'revision'> = { paused: false, deadlineSeconds: 60, good: false, waiting: 'Deployment x-feed: 0 of 1 updated replicas are available', nowMs: T0 };

function step(previous: RolloutStatus | undefined, revision: string, inputs: Partial<RolloutInputs> = {}) {
  return nextRollout({ ...base, previous, revision, ...inputs });
}

const complete: RolloutStatus = { revision: 'aaaaaaaaaa', phase: 'Complete', startedAt: '2026-01-01T00:00:00Z', lastGoodRevision: 'aaaaaaaaaa', message: 'revision aaaaaaaaaa is ready: the last good revision', history: [{ revision: 'aaaaaaaaaa', result: 'Good', at: '2026-01-01T00:00:00Z' }] };

function feed(spec: Record<string, unknown>) {
  return { apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed', metadata: { name: 'x', namespace: 'feeds', uid: 'u' }, spec } as Parameters<typeof desiredObjects>[0];
}

describe('rollout state', () => {
  it('a new revision starts a rollout with the deadline counted from startedAt, and asks to be reconciled at the deadline', () => {
    const started = step(complete, 'bbbbbbbbbb', { nowMs: T0 + 10_500 });
    expect(started.status).toMatchObject({ revision: 'bbbbbbbbbb', phase: 'Progressing', startedAt: '2026-01-01T00:00:11Z', lastGoodRevision: 'aaaaaaaaaa' });
    expect(started.apply).toBe('spec');
    expect(started.requeueAfterMs).toBe(60_500);
    const later = step(started.status, 'bbbbbbbbbb', { nowMs: T0 + 70_999 });
    expect(later.status.phase).toBe('Progressing');
    expect(later.requeueAfterMs).toBe(1);
  });

  it('past the deadline: RolledBack to the last good revision, with the reason; at the deadline exactly too', () => {
    const started = step(complete, 'bbbbbbbbbb').status;
    const rolled = step(started, 'bbbbbbbbbb', { nowMs: T0 + 60_000 });
    expect(rolled.status).toMatchObject({ phase: 'RolledBack', lastGoodRevision: 'aaaaaaaaaa' });
    expect(rolled.apply).toBe('lastGood');
    expect(rolled.status.message).toBe(
      'revision bbbbbbbbbb was not ready within 60s (Deployment x-feed: 0 of 1 updated replicas are available); restored revision aaaaaaaaaa; it is not retried until the pod template changes again',
    );
    expect(rolledBackCondition(rolled.status)).toMatchObject({ type: 'RolledBack', status: 'True', reason: 'ProgressDeadlineExceeded' });
    expect(rolloutEvents(started, rolled.status)).toEqual([{ type: 'Warning', reason: 'RolledBack', message: rolled.status.message }]);
    expect(rolled.status.history?.map((entry) => entry.result)).toEqual(['Good', 'RolledBack']);
    expect(Value.Check(RolloutStatusSchema, rolled.status)).toBe(true);
  });

  it('a rolled-back revision is never retried while the spec asks for it, whatever else happens (property)', () => {
    const rolled = step(step(complete, 'bbbbbbbbbb').status, 'bbbbbbbbbb', { nowMs: T0 + 60_000 }).status;
    fc.assert(
      fc.property(
        fc.array(fc.record({ paused: fc.boolean(), good: fc.boolean(), deadlineSeconds: fc.integer({ min: 1, max: 3600 }), laterMs: fc.integer({ min: 0, max: 10 ** 9 }), waiting: fc.string() }), { maxLength: 20 }),
        (sequence) => {
          let status = rolled;
          for (const inputs of sequence) {
            const next = step(status, 'bbbbbbbbbb', { ...inputs, nowMs: T0 + inputs.laterMs });
            expect(next.apply).toBe('lastGood');
            expect(next.requeueAfterMs).toBeUndefined();
            expect(next.status).toEqual(rolled);
            expect(rolloutEvents(status, next.status)).toEqual([]);
            status = next.status;
          }
        },
      ),
    );
  });

  it('another revision starts a new rollout; going back to the failed one tries it again', () => {
    const rolled = step(step(complete, 'bbbbbbbbbb').status, 'bbbbbbbbbb', { nowMs: T0 + 60_000 }).status;
    const other = step(rolled, 'cccccccccc', { nowMs: T0 + 61_000 });
    expect(other.status).toMatchObject({ phase: 'Progressing', revision: 'cccccccccc', lastGoodRevision: 'aaaaaaaaaa', startedAt: '2026-01-01T00:01:01Z' });
    expect(rolloutEvents(rolled, other.status)).toEqual([{ type: 'Normal', reason: 'RolloutStarted', message: 'rolling out revision cccccccccc (last good aaaaaaaaaa)' }]);
    const back = step(other.status, 'bbbbbbbbbb', { nowMs: T0 + 62_000 });
    expect(back.status).toMatchObject({ phase: 'Progressing', revision: 'bbbbbbbbbb' });
    expect(back.apply).toBe('spec');
  });

  it('a good revision becomes the last good one; reverting to the last good revision completes at once', () => {
    const started = step(complete, 'bbbbbbbbbb').status;
    const good = step(started, 'bbbbbbbbbb', { good: true, nowMs: T0 + 5_000 });
    expect(good.status).toMatchObject({ phase: 'Complete', lastGoodRevision: 'bbbbbbbbbb' });
    expect(rolloutEvents(started, good.status)).toEqual([{ type: 'Normal', reason: 'RolloutComplete', message: 'revision bbbbbbbbbb is ready: the last good revision' }]);
    const reverted = step(good.status, 'aaaaaaaaaa', { good: true });
    expect(reverted.status).toMatchObject({ phase: 'Complete', revision: 'aaaaaaaaaa', lastGoodRevision: 'aaaaaaaaaa' });
    expect(reverted.status.history?.map((entry) => entry.revision)).toEqual(['bbbbbbbbbb', 'aaaaaaaaaa']);
  });

  it('without an earlier good revision the rollout fails, keeps its objects, and completes if it becomes ready later', () => {
    const first = step(undefined, 'aaaaaaaaaa');
    expect(rolloutEvents(undefined, first.status)).toEqual([]);
    const failed = step(first.status, 'aaaaaaaaaa', { nowMs: T0 + 60_000 });
    expect(failed.status.phase).toBe('Failed');
    expect(failed.apply).toBe('spec');
    expect(rolledBackCondition(failed.status)).toMatchObject({ status: 'False', reason: 'NoGoodRevision' });
    expect(rolloutEvents(first.status, failed.status).map((event) => `${event.type} ${event.reason}`)).toEqual(['Warning RolloutFailed']);
    expect(step(failed.status, 'aaaaaaaaaa', { nowMs: T0 + 999_000 }).status).toEqual(failed.status);
    expect(step(failed.status, 'aaaaaaaaaa', { good: true, nowMs: T0 + 999_000 }).status).toMatchObject({ phase: 'Complete', lastGoodRevision: 'aaaaaaaaaa' });
  });

  it('a paused rollout is suspended (no deadline, no judgement) and gets a fresh deadline when unpaused', () => {
    const started = step(complete, 'bbbbbbbbbb').status;
    const paused = step(started, 'bbbbbbbbbb', { paused: true, good: true, nowMs: T0 + 3_600_000 });
    expect(paused.status.phase).toBe('Suspended');
    expect(paused.status.startedAt).toBeUndefined();
    expect(paused.requeueAfterMs).toBeUndefined();
    const resumed = step(paused.status, 'bbbbbbbbbb', { nowMs: T0 + 7_200_000 });
    expect(resumed.status).toMatchObject({ phase: 'Progressing', startedAt: '2026-01-01T02:00:00Z' });
    expect(resumed.requeueAfterMs).toBe(60_000);
  });

  it('an unreadable startedAt restarts the clock instead of rolling back at once', () => {
    const broken = { ...step(complete, 'bbbbbbbbbb').status, startedAt: 'yesterday' };
    const next = step(broken, 'bbbbbbbbbb', { nowMs: T0 + 5_000 });
    expect(next.status).toMatchObject({ phase: 'Progressing', startedAt: '2026-01-01T00:00:05Z' });
    expect(next.requeueAfterMs).toBe(60_000);
  });

  it('the history is bounded, one entry per revision, and never loses the last good revision', () => {
    // Mostly failures, so that long runs of them push the last good revision to the front.
    const resultArb = fc.oneof({ arbitrary: fc.constant('Good' as const), weight: 1 }, { arbitrary: fc.constantFrom('RolledBack' as const, 'Failed' as const), weight: 8 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), resultArb), { minLength: 15, maxLength: 60 }), (results) => {
        let history: RolloutStatus['history'];
        let lastGood: string | undefined;
        for (const [index, result] of results) {
          const revision = index.toString(16).padStart(10, '0');
          if (result === 'Good') lastGood = revision;
          const recorded = recordResult(history, revision, result, '2026-01-01T00:00:00Z', lastGood);
          expect(recorded.history.length).toBeLessThanOrEqual(ROLLOUT_HISTORY_LIMIT);
          expect(new Set(recorded.history.map((entry) => entry.revision)).size).toBe(recorded.history.length);
          if (lastGood !== undefined) expect(recorded.history.map((entry) => entry.revision)).toContain(lastGood);
          expect(recorded.dropped).not.toContain(lastGood);
          history = recorded.history;
        }
      }),
    );
  });
});

describe('revisions', () => {
  it('change with the pod templates (image, args, resources, pod annotations, ConfigMap content) and not with replicas, pause or the deadline', () => {
    const revision = (spec: Record<string, unknown>) => podTemplateRevision(desiredObjects(feed(spec)));
    const plain = revision({});
    expect(plain).toMatch(/^[0-9a-f]{10}$/);
    for (const changed of [{ image: 'ghcr.io/marketfeed/marketfeed:0.2.0' }, { rate: 5 }, { resources: { memoryMi: 512 } }, { podAnnotations: { a: 'b' } }, { tcp: { encodings: ['binary'] } }]) {
      expect(revision(changed), JSON.stringify(changed)).not.toBe(plain);
    }
    for (const same of [{ tcpConsumers: { replicas: 7 } }, { paused: true }, { rollout: { progressDeadlineSeconds: 5 } }]) {
      expect(revision(same), JSON.stringify(same)).toBe(plain);
    }
  });

  it('a restored revision keeps its templates but takes the replicas the spec asks for now', () => {
    const old = desiredObjects(feed({ image: 'ghcr.io/marketfeed/marketfeed:0.1.1', tcpConsumers: { replicas: 1 } }));
    const now = desiredObjects(feed({ image: 'ghcr.io/marketfeed/marketfeed:bad', tcpConsumers: { replicas: 4 }, paused: true }));
    const restored = withCurrentReplicas(old, now);
    const deployments = restored.filter((object) => object.kind === 'Deployment') as Array<KubeObject & { spec: { replicas: number; template: unknown } }>;
    expect(deployments.map((object) => object.spec.replicas)).toEqual([0, 0]);
    expect(podTemplateRevision(restored)).toBe(podTemplateRevision(old));
  });
});

describe('revision readiness (kubectl rollout status)', () => {
  const desired = desiredObjects(feed({})).find((object) => object.kind === 'Deployment')!;
  const live = (status: Record<string, number>, generation = 2): KubeObject => ({ ...structuredClone(desired), metadata: { ...desired.metadata, generation }, status });

  it('waits for the observed generation, updated replicas, old replicas and available replicas, in that order', () => {
    expect(deploymentRolloutWait(desired, undefined)).toBe('Deployment x-feed does not exist yet');
    expect(deploymentRolloutWait(desired, { ...live({}), spec: { ...(desired.spec as object), template: {} } })).toBe("Deployment x-feed does not run this revision's pod template yet");
    expect(deploymentRolloutWait(desired, live({ observedGeneration: 1 }))).toBe('Deployment x-feed: waiting for the spec update to be observed');
    expect(deploymentRolloutWait(desired, live({ observedGeneration: 2 }))).toBe('Deployment x-feed: 0 out of 1 new replicas have been updated');
    expect(deploymentRolloutWait(desired, live({ observedGeneration: 2, updatedReplicas: 1, replicas: 2 }))).toBe('Deployment x-feed: 1 old replicas are pending termination');
    expect(deploymentRolloutWait(desired, live({ observedGeneration: 2, updatedReplicas: 1, replicas: 1 }))).toBe('Deployment x-feed: 0 of 1 updated replicas are available');
    expect(deploymentRolloutWait(desired, live({ observedGeneration: 2, updatedReplicas: 1, replicas: 1, availableReplicas: 1 }))).toBeUndefined();
  });

  it('a revision is good when every Deployment is rolled out', () => {
    const objects = desiredObjects(feed({}));
    const ready = judgeRevision(objects, (object) => ({ ...object, metadata: { ...object.metadata, generation: 1 }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } }));
    expect(ready).toEqual({ signals: { ready: true, health: undefined }, waiting: '' });
    expect(isRevisionGood(ready.signals)).toBe(true);
    const notReady = judgeRevision(objects, () => undefined);
    expect(isRevisionGood(notReady.signals)).toBe(false);
    expect(notReady.waiting).toBe('Deployment x-feed does not exist yet; Deployment x-tcp-consumers does not exist yet');
  });

  it('with live health, a ready revision is good only when its pods are healthy, and health is asked only once it is ready', () => {
    const objects = desiredObjects(feed({})).map(withPodTemplateLabel);
    const rolledOut = (object: KubeObject): KubeObject => ({ ...object, metadata: { ...object.metadata, generation: 1 }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } });
    const asked: RevisionPods[][] = [];
    const unhealthy = judgeRevision(objects, rolledOut, (pods) => (asked.push([...pods]), { healthy: false, message: 'unhealthy: outside spec.slo: p99 latency 2000 µs > 100 µs' }));
    expect(isRevisionGood(unhealthy.signals)).toBe(false);
    expect(unhealthy.waiting).toBe('ready, but unhealthy: outside spec.slo: p99 latency 2000 µs > 100 µs');
    // The pods of each Deployment: its component and the template label it gives its pods.
    expect(asked[0]).toEqual([
      { component: 'feed', templateHash: expect.stringMatching(/^[0-9a-f]{10}$/) as string, replicas: 1 },
      { component: 'tcp-consumer', templateHash: expect.stringMatching(/^[0-9a-f]{10}$/) as string, replicas: 1 },
    ]);
    const healthy = judgeRevision(objects, rolledOut, () => ({ healthy: true, message: 'within spec.slo: p99 ≤ 100 µs' }));
    expect(isRevisionGood(healthy.signals)).toBe(true);
    expect(healthy.waiting).toBe('');
    const notReady = judgeRevision(objects, () => undefined, () => expect.unreachable('asked before ready'));
    expect(isRevisionGood(notReady.signals)).toBe(false);
  });

  it('labels each pod template with the hash of that template alone: a change to one Deployment relabels only its pods', () => {
    const template = (objects: KubeObject[], name: string) => (objects.find((object) => object.metadata.name === name)?.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
    const before = desiredObjects(feed({})).map(withPodTemplateLabel);
    const after = desiredObjects(feed({ tcpConsumers: { replicas: 1, encoding: 'json' } })).map(withPodTemplateLabel);
    const label = (objects: KubeObject[], name: string) => template(objects, name).metadata.labels[LABEL_POD_TEMPLATE];
    expect(label(after, 'x-feed')).toBe(label(before, 'x-feed'));
    expect(label(after, 'x-tcp-consumers')).not.toBe(label(before, 'x-tcp-consumers'));
    // Labelling again gives the same label (the label is not part of its own hash).
    expect(before.map(withPodTemplateLabel)).toEqual(before);
  });
});
