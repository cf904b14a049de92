// Reconciles one MarketFeed, named by its key, from the cache (level-triggered: whatever
// event brought the key here, the reconcile looks at the current state only):
//  1. no feed in the cache → nothing to do (its objects go by ownerReference cascade);
//  2. a spec that fails validateSpec → status Degraded (InvalidSpec), objects untouched;
//  3. desired objects from the cdk8s constructs, with a controller ownerReference and the
//     applied-hash annotation; each one that differs from the live object is applied
//     (server-side apply, field manager marketfeed-operator, force), the others are not
//     written at all;
//  4. owned objects the spec no longer asks for are deleted;
//  5. status (conditions, endpoint, ready counts, scale fields) through /status, only when
//     it changed; Events for transitions.
// Between 2 and 3 the rollout (operator/rollout/) picks the objects: the spec's, or the last
// good revision's when the spec's revision was rolled back.
// Errors propagate: the caller requeues the key with backoff. Nothing here exits.
import type { Logger } from 'pino';
import type { KubeObject, ObjectMeta, OwnerReference } from '../../cdk8s/api/kube-object.ts';
import { FIELD_MANAGER, MARKETFEED_KIND, withDefaults, type MarketFeed, type MarketFeedStatus } from '../../cdk8s/api/marketfeed-types.ts';
import { desiredObjects, feedObjectNames, InvalidSpecError } from '../../cdk8s/feed/desired-objects.ts';
import { parseFeedKey, type OperatorCache } from '../cache/operator-cache.ts';
import type { EventRecorder } from '../events/event-recorder.ts';
import { ApiError, type KubeClient } from '../kube/kube-client.ts';
import { FeedRollouts, withRolloutStatus, type RevisionHealthSource } from '../rollout/feed-rollouts.ts';
import { withPodTemplateLabel } from '../rollout/revision.ts';
import { apiVersionOf, DAEMONSET, DEPLOYMENT, MARKETFEED, OWNED_TYPES, ownedTypeOf, type ResourceType } from '../kube/resource-types.ts';
import { becameStatus, findCondition, kubeTime } from './conditions.ts';
import { needsApply, withAppliedHash } from './drift.ts';
import { feedStatus, invalidSpecStatus, sameStatus, type Problem } from './feed-status.ts';
import { serverNormalForm } from './server-normal-form.ts';

export type ReconcileOutcome = 'absent' | 'invalid' | 'unchanged' | 'changed';

/** A reconcile that cannot finish now but should be retried (with backoff): not a bug. */
export class RequeueError extends Error {
  override readonly name = 'RequeueError';
}

export interface ReconcilerOptions {
  cache: OperatorCache;
  client: KubeClient;
  events: EventRecorder;
  logger: Logger;
  /** metav1.Time now; injectable for tests. */
  now?: () => string;
  /** The operator's namespace: the feeds' NetworkPolicies admit scrapes from its pods there. */
  operatorNamespace?: string;
  /** Reconcile `key` again after `delayMs` (a rollout's deadline). */
  requeueAfter?: (key: string, delayMs: number) => void;
  /** Called with the reason of each rollout Event recorded (for metrics). */
  onRolloutEvent?: (reason: string) => void;
  /** Live health of a revision's pods (the health monitor); absent: revisions are judged on readiness alone. */
  revisionHealth?: RevisionHealthSource;
}

/** What a spec gives, computed once per spec (reconciles triggered by status or readiness reuse it). */
interface Synthesis {
  fingerprint: string;
  /** The objects to apply (ownerReference and hash annotation included), or why there are none. */
  result: { objects: KubeObject[] } | { problem: Problem };
}

interface Change {
  verb: 'created' | 'updated' | 'deleted';
  object: KubeObject;
}

function describe(object: KubeObject): string {
  return `${object.kind} ${object.metadata.name}`;
}

function ownerReference(feed: MarketFeed): OwnerReference {
  return { apiVersion: feed.apiVersion, kind: MARKETFEED_KIND, name: feed.metadata.name, uid: feed.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Whether a 4xx answer means our request is wrong (retrying the same will not help soon). */
function isRequestRejected(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 409 && error.status !== 429 && error.status !== 404;
}

export class MarketFeedReconciler {
  private readonly cache: OperatorCache;
  private readonly client: KubeClient;
  private readonly events: EventRecorder;
  private readonly logger: Logger;
  private readonly now: () => string;
  private readonly syntheses = new Map<string, Synthesis>();
  private readonly operatorNamespace: { operatorNamespace?: string };
  private readonly rollouts: FeedRollouts;
  private readonly requeueAfter: (key: string, delayMs: number) => void;
  private readonly onRolloutEvent: (reason: string) => void;

  constructor(options: ReconcilerOptions) {
    this.cache = options.cache;
    this.client = options.client;
    this.events = options.events;
    this.logger = options.logger;
    this.now = options.now ?? (() => kubeTime());
    this.operatorNamespace = options.operatorNamespace === undefined ? {} : { operatorNamespace: options.operatorNamespace };
    this.rollouts = new FeedRollouts({
      client: options.client,
      logger: options.logger,
      ...(options.revisionHealth === undefined ? {} : { revisionHealth: options.revisionHealth }),
    });
    this.requeueAfter = options.requeueAfter ?? (() => {});
    this.onRolloutEvent = options.onRolloutEvent ?? (() => {});
  }

  async reconcile(key: string): Promise<ReconcileOutcome> {
    const { namespace, name } = parseFeedKey(key);
    const feed = this.cache.feed(namespace, name);
    if (feed === undefined || (feed.metadata as ObjectMeta).deletionTimestamp !== undefined) {
      this.syntheses.delete(key);
      this.rollouts.forget(key);
      return 'absent';
    }
    const log = this.logger.child({ feed: key, generation: feed.metadata.generation });

    const synthesis = this.synthesize(key, feed, log);
    if ('problem' in synthesis.result) {
      const { problem } = synthesis.result;
      // Retrying does not help: the next spec change brings the key back.
      await this.writeStatus(feed, invalidSpecStatus(feed, problem, this.now()), []);
      return 'invalid';
    }
    const rollout = await this.rollouts.plan(feed, synthesis.result.objects, (object) => this.liveObject(object, namespace));
    if ('problem' in rollout) {
      await this.writeStatus(feed, invalidSpecStatus(feed, rollout.problem, this.now()), []);
      return 'invalid';
    }
    const desired = rollout.objects;

    const changes: Change[] = [];
    let problem: Problem | undefined;
    let retry: Error | undefined;
    const owner = ownerReference(feed);
    const wanted = new Set<string>();
    const toApply: Array<{ type: ResourceType; object: KubeObject; live: KubeObject | undefined }> = [];
    for (const applied of desired) {
      const type = ownedTypeOf(applied.apiVersion, applied.kind);
      if (type === undefined) throw new Error(`the constructs produced ${applied.apiVersion} ${applied.kind}, which the operator does not watch`);
      const objectNamespace = applied.metadata.namespace ?? namespace;
      wanted.add(`${type.kind}/${applied.metadata.name}`);
      const live = this.cache.ownedObject(type, objectNamespace, applied.metadata.name);
      const controller = live?.metadata.ownerReferences?.find((ref) => ref.controller === true);
      if (live !== undefined && controller !== undefined && controller.uid !== owner.uid) {
        // Someone else's object, or one of a deleted feed of the same name that the garbage collector has not removed yet.
        problem = { reason: 'OwnershipConflict', message: `${describe(applied)} exists and is controlled by ${controller.kind} ${controller.name} (uid ${controller.uid})` };
        retry = new RequeueError(problem.message);
        continue;
      }
      if (needsApply(applied, live)) toApply.push({ type, object: applied, live });
    }
    // The objects of one feed are independent: apply them at once.
    const results = await Promise.allSettled(
      toApply.map(async ({ type, object, live }) => {
        const objectNamespace = object.metadata.namespace ?? namespace;
        const before = this.cache.cachedVersion(type, objectNamespace, object.metadata.name);
        const written = await this.client.apply<KubeObject>(type, object, FIELD_MANAGER, true);
        this.cache.recordWrite(type, objectNamespace, object.metadata.name, before, written);
        return { verb: live === undefined ? 'created' : 'updated', object } satisfies Change;
      }),
    );
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') {
        changes.push(result.value);
        return;
      }
      if (!isRequestRejected(result.reason)) {
        retry ??= result.reason as Error;
        return;
      }
      problem = { reason: 'ApplyFailed', message: `${describe(toApply[index].object)}: ${(result.reason as Error).message}` };
      retry ??= result.reason as Error;
    });
    // A transient failure (5xx, timeout, conflict): retry the whole reconcile, status and all.
    if (retry !== undefined && problem === undefined) {
      await this.recordChangeEvents(feed, changes);
      throw retry;
    }

    for (const type of OWNED_TYPES) {
      for (const live of this.cache.ownedBy(type, namespace, feed.metadata.uid)) {
        if (wanted.has(`${type.kind}/${live.metadata.name}`) || live.metadata.deletionTimestamp !== undefined) continue;
        await this.deleteStale(type, live, changes);
      }
    }
    if (changes.length > 0) log.info({ changes: changes.map((change) => `${change.verb} ${describe(change.object)}`) }, 'applied');

    const names = feedObjectNames(feed.metadata.name);
    const status = feedStatus({
      feed,
      spec: withDefaults(feed.spec),
      feedDeployment: this.cache.ownedObject(DEPLOYMENT, namespace, names.feedDeployment),
      tcpDeployment: this.cache.ownedObject(DEPLOYMENT, namespace, names.tcpConsumers),
      relayDaemonSet: this.cache.ownedObject(DAEMONSET, namespace, names.relayDaemonSet),
      problem,
      now: this.now(),
    });
    const statusChanged = await this.writeStatus(feed, withRolloutStatus(status, rollout, feed.metadata.generation ?? 0, this.now()), changes);
    for (const event of rollout.events) {
      await this.events.record(feed, event.type, event.reason, event.message);
      this.onRolloutEvent(event.reason);
    }
    if (rollout.requeueAfterMs !== undefined) this.requeueAfter(key, rollout.requeueAfterMs);
    if (retry !== undefined) throw retry;
    return changes.length > 0 || statusChanged ? 'changed' : 'unchanged';
  }

  private liveObject(object: KubeObject, namespace: string): KubeObject | undefined {
    const type = ownedTypeOf(object.apiVersion, object.kind);
    return type === undefined ? undefined : this.cache.ownedObject(type, object.metadata.namespace ?? namespace, object.metadata.name);
  }

  /** The feed's objects for its current spec, from the constructs (cached per spec). */
  private synthesize(key: string, feed: MarketFeed, log: Logger): Synthesis {
    // The generation moves with every spec change; the spec text guards against servers where it does not.
    const fingerprint = `${feed.metadata.uid ?? ''}/${feed.metadata.generation ?? ''}/${JSON.stringify(feed.spec)}`;
    const cached = this.syntheses.get(key);
    if (cached?.fingerprint === fingerprint) return cached;
    let synthesis: Synthesis;
    try {
      const owner = ownerReference(feed);
      // In the server's normal form: applied as stored, so re-reads match and re-applies write nothing.
      const objects = desiredObjects(feed, this.operatorNamespace).map((object) =>
        withAppliedHash(withPodTemplateLabel(serverNormalForm({ ...object, metadata: { ...object.metadata, namespace: object.metadata.namespace ?? feed.metadata.namespace, ownerReferences: [owner] } }))),
      );
      synthesis = { fingerprint, result: { objects } };
    } catch (error) {
      const problem: Problem =
        error instanceof InvalidSpecError
          ? { reason: 'InvalidSpec', message: error.problems.join('; ') }
          : { reason: 'SynthesisFailed', message: `the constructs failed: ${(error as Error).message}` };
      synthesis = { fingerprint, result: { problem } };
      log.warn({ problem }, 'cannot build the objects of this spec');
    }
    this.syntheses.set(key, synthesis);
    return synthesis;
  }

  private async deleteStale(type: ResourceType, live: KubeObject, changes: Change[]): Promise<void> {
    const namespace = live.metadata.namespace ?? '';
    const before = this.cache.cachedVersion(type, namespace, live.metadata.name);
    await this.client.delete(type, namespace, live.metadata.name);
    this.cache.recordWrite(type, namespace, live.metadata.name, before, undefined);
    changes.push({ verb: 'deleted', object: { ...live, apiVersion: apiVersionOf(type), kind: type.kind } });
  }

  /** Writes the status if it differs from the stored one, then records Events for what flipped. */
  private async writeStatus(feed: MarketFeed, status: MarketFeedStatus, changes: Change[]): Promise<boolean> {
    const before = feed.status;
    let changed = false;
    if (!sameStatus(before, status)) {
      // A merge patch: fields we no longer report are removed with null.
      const patch: Record<string, unknown> = { ...status };
      for (const field of Object.keys(before ?? {})) if (!(field in status)) patch[field] = null;
      try {
        const versionBefore = this.cache.cachedVersion(MARKETFEED, feed.metadata.namespace, feed.metadata.name);
        const written = await this.client.mergePatch<KubeObject>(MARKETFEED, feed.metadata.namespace, feed.metadata.name, { status: patch }, 'status', FIELD_MANAGER);
        this.cache.recordWrite(MARKETFEED, feed.metadata.namespace, feed.metadata.name, versionBefore, written);
        changed = true;
      } catch (error) {
        // Gone meanwhile: nothing left to report on. Anything else: retry.
        if (error instanceof ApiError && error.status === 404) return false;
        throw error;
      }
    }
    await this.recordEvents(feed, before, status, changes);
    return changed;
  }

  private async recordEvents(feed: MarketFeed, before: MarketFeedStatus | undefined, after: MarketFeedStatus, changes: Change[]): Promise<void> {
    await this.recordChangeEvents(feed, changes);
    await this.recordStatusEvents(feed, before, after);
  }

  /** One Event per kind of change, naming the objects. */
  private async recordChangeEvents(feed: MarketFeed, changes: Change[]): Promise<void> {
    const list = (verb: Change['verb']): string =>
      changes
        .filter((change) => change.verb === verb)
        .map((change) => describe(change.object))
        .join(', ');
    const created = list('created');
    const updated = list('updated');
    const deleted = list('deleted');
    if (created !== '') await this.events.record(feed, 'Normal', 'Created', `created ${created}`);
    if (updated !== '') await this.events.record(feed, 'Normal', 'Updated', `updated ${updated}`);
    if (deleted !== '') await this.events.record(feed, 'Normal', 'DeletedStale', `deleted ${deleted}: no longer in the spec`);
  }

  /** Events for conditions that flipped: Degraded, Ready, NotReady, Paused. */
  private async recordStatusEvents(feed: MarketFeed, before: MarketFeedStatus | undefined, after: MarketFeedStatus): Promise<void> {
    const ready = findCondition(after.conditions, 'Ready');
    const degraded = findCondition(after.conditions, 'Degraded');
    if (becameStatus(before?.conditions, after.conditions, 'Degraded', 'True') && degraded !== undefined) {
      await this.events.record(feed, 'Warning', degraded.reason, degraded.message);
    }
    if (becameStatus(before?.conditions, after.conditions, 'Ready', 'True')) await this.events.record(feed, 'Normal', 'Ready', ready?.message ?? 'ready');
    else if (ready?.reason === 'Paused' && findCondition(before?.conditions, 'Ready')?.reason !== 'Paused') await this.events.record(feed, 'Normal', 'Paused', ready.message);
    else if (becameStatus(before?.conditions, after.conditions, 'Ready', 'False') && findCondition(before?.conditions, 'Ready')?.status === 'True') {
      await this.events.record(feed, 'Warning', 'NotReady', ready?.message ?? 'not ready');
    }
  }
}
