// Rollouts for the reconciler: given a feed and the objects its spec gives, decides (through
// the pure rollout-state machine) which objects to apply — the spec's, or the last good
// revision's after a rollback — and keeps the good revisions as ControllerRevisions: created
// when a revision becomes good, deleted when it leaves the bounded history. The last good
// revision's objects are read back from its ControllerRevision only when a rollback needs
// them (once per operator process; a revision's content never changes). With live health
// on, a revision is good only when its own pods are healthy too (revisionHealth).
import type { Logger } from 'pino';
import type { FeedSlo } from '../../cdk8s/api/feed-health-types.ts';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { FIELD_MANAGER, withDefaults, type MarketFeed, type MarketFeedStatus, type RolloutStatus } from '../../cdk8s/api/marketfeed-types.ts';
import { ApiError, type KubeClient } from '../kube/kube-client.ts';
import { withAppliedHash } from '../reconcile/drift.ts';
import { setCondition, type ConditionUpdate } from '../reconcile/conditions.ts';
import type { Problem } from '../reconcile/feed-status.ts';
import type { RevisionHealth } from '../health/revision-health.ts';
import { CONTROLLER_REVISION, controllerRevision, controllerRevisionName, podTemplateRevision, revisionObjects, withCurrentReplicas, type RevisionPods } from './revision.ts';
import { isRevisionGood, judgeRevision } from './revision-readiness.ts';
import { nextRollout, rolledBackCondition, rolloutEvents, type RolloutEvent } from './rollout-state.ts';

export interface RolloutPlan {
  /** The objects to apply. */
  objects: KubeObject[];
  /** status.rollout to write. */
  status: RolloutStatus;
  condition: ConditionUpdate;
  /** Events to record once the status is written. */
  events: RolloutEvent[];
  requeueAfterMs?: number;
}

/** The live health of the pods `pods` of the feed `key` (the health monitor's revisionHealth). */
export type RevisionHealthSource = (key: string, pods: readonly RevisionPods[], slo: FeedSlo | undefined) => RevisionHealth;

export interface FeedRolloutsOptions {
  client: KubeClient;
  logger: Logger;
  /** Absent (live health off): a revision is good once ready. */
  revisionHealth?: RevisionHealthSource;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
}

/** A revision could not be kept or restored; retrying later may help. */
export class RevisionStoreError extends Error {
  override readonly name = 'RevisionStoreError';
}

export class FeedRollouts {
  private readonly client: KubeClient;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly revisionHealth: RevisionHealthSource | undefined;
  /** Per feed key: the last good revision's objects, once known. */
  private readonly lastGood = new Map<string, { uid: string; revision: string; objects: KubeObject[] }>();

  constructor(options: FeedRolloutsOptions) {
    this.client = options.client;
    this.logger = options.logger;
    this.clock = options.clock ?? Date.now;
    this.revisionHealth = options.revisionHealth;
  }

  forget(key: string): void {
    this.lastGood.delete(key);
  }

  /**
   * What to apply for `feed` whose spec gives `desired`, judged on `live` (the cached object
   * of the same kind and name); a problem when the last good revision cannot be read back.
   */
  async plan(feed: MarketFeed, desired: KubeObject[], live: (object: KubeObject) => KubeObject | undefined): Promise<RolloutPlan | { problem: Problem }> {
    const { namespace, name, uid = '' } = feed.metadata;
    const key = `${namespace}/${name}`;
    const spec = withDefaults(feed.spec);
    const revision = podTemplateRevision(desired);
    const source = this.revisionHealth;
    const judgement = judgeRevision(desired, live, source === undefined ? undefined : (pods) => source(key, pods, feed.spec?.slo));
    const previous = feed.status?.rollout;
    const step = nextRollout({
      previous,
      revision,
      paused: spec.paused,
      deadlineSeconds: spec.rollout.progressDeadlineSeconds,
      good: isRevisionGood(judgement.signals),
      waiting: judgement.waiting,
      nowMs: this.clock(),
      ...(judgement.signals.health === undefined ? {} : { health: judgement.signals.health }),
    });
    const { status } = step;
    if (status.phase === 'Complete' && previous?.lastGoodRevision !== revision) {
      await this.keep(feed, revision, desired);
    }
    for (const dropped of step.dropped) await this.client.delete(CONTROLLER_REVISION, namespace, controllerRevisionName(name, dropped));

    let objects = desired;
    if (step.apply === 'lastGood' && status.lastGoodRevision !== undefined) {
      const restored = await this.lastGoodObjects(key, uid, namespace, name, status.lastGoodRevision);
      if (restored === undefined) {
        return { problem: { reason: 'RevisionMissing', message: `cannot restore revision ${status.lastGoodRevision}: its ControllerRevision ${controllerRevisionName(name, status.lastGoodRevision)} is gone` } };
      }
      objects = withCurrentReplicas(restored, desired).map(withAppliedHash);
    }
    if (previous?.phase !== status.phase || previous.revision !== status.revision) {
      this.logger.info({ feed: key, revision, phase: status.phase, lastGoodRevision: status.lastGoodRevision }, status.message);
    }
    return {
      objects,
      status,
      condition: rolledBackCondition(status),
      events: rolloutEvents(previous, status),
      ...(step.requeueAfterMs === undefined ? {} : { requeueAfterMs: step.requeueAfterMs }),
    };
  }

  /** Keeps a good revision's objects as a ControllerRevision (created once; an existing one of this feed is it). */
  private async keep(feed: MarketFeed, revision: string, objects: KubeObject[]): Promise<void> {
    const { namespace, name, uid = '' } = feed.metadata;
    const body = controllerRevision(name, namespace, revision, feed.metadata.generation ?? 1, objects);
    try {
      await this.client.create(CONTROLLER_REVISION, namespace, body, FIELD_MANAGER);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      const existing = await this.client.get(CONTROLLER_REVISION, namespace, body.metadata.name);
      // One of a deleted feed of the same name, not collected yet: retry once the garbage collector has.
      if (existing !== undefined && !(existing.metadata.ownerReferences ?? []).some((ref) => ref.uid === uid)) {
        throw new RevisionStoreError(`ControllerRevision ${body.metadata.name} exists and belongs to another owner`);
      }
    }
    this.lastGood.set(`${namespace}/${name}`, { uid, revision, objects });
  }

  private async lastGoodObjects(key: string, uid: string, namespace: string, name: string, revision: string): Promise<KubeObject[] | undefined> {
    const known = this.lastGood.get(key);
    if (known?.uid === uid && known.revision === revision) return known.objects;
    const stored = await this.client.get(CONTROLLER_REVISION, namespace, controllerRevisionName(name, revision));
    const objects = stored === undefined || !(stored.metadata.ownerReferences ?? []).some((ref) => ref.uid === uid) ? undefined : revisionObjects(stored);
    if (objects !== undefined) this.lastGood.set(key, { uid, revision, objects });
    return objects;
  }
}

/** The feed's status with the rollout's part: status.rollout and the RolledBack condition. */
export function withRolloutStatus(status: MarketFeedStatus, plan: RolloutPlan, generation: number, now: string): MarketFeedStatus {
  return { ...status, rollout: plan.status, conditions: setCondition(status.conditions, { ...plan.condition, observedGeneration: generation }, now) };
}
