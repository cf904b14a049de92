// Is a revision good? Its Deployments run the revision's pod templates and are rolled out,
// judged the way `kubectl rollout status` judges a Deployment: the controller observed the
// latest generation, every replica is updated, no old replica is left, and every updated
// replica is available. isRevisionGood is the one place that says which signals make a
// revision good.
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import type { MarketFeedCondition } from '../../cdk8s/api/marketfeed-types.ts';
import { needsApply } from '../reconcile/drift.ts';

interface DeploymentFields {
  metadata: { generation?: number };
  spec?: { replicas?: number };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

/** What a revision is judged on. */
export interface RevisionSignals {
  /** Every Deployment rolled out with the revision's pod templates (kubectl rollout status). */
  ready: boolean;
  /** The feed's conditions as stored (e.g. a Healthy condition judged on live metrics). */
  conditions: readonly MarketFeedCondition[] | undefined;
}

/**
 * Whether a revision counts as good: it becomes the last good revision, and a rollout that
 * does not get here within its deadline is rolled back. Live data-plane health joins with one
 * more line, `&& isConditionTrue(signals.conditions, 'Healthy')`, once that condition
 * describes the pods of the revision being judged.
 */
export function isRevisionGood(signals: RevisionSignals): boolean {
  return signals.ready;
}

/** Why one Deployment is not rolled out yet (kubectl's wording), or undefined when it is. */
export function deploymentRolloutWait(desired: KubeObject, live: KubeObject | undefined): string | undefined {
  const name = desired.metadata.name;
  if (live === undefined) return `Deployment ${name} does not exist yet`;
  if (needsApply(desired, live)) return `Deployment ${name} does not run this revision's pod template yet`;
  const { metadata, spec, status = {} } = live as unknown as DeploymentFields;
  if (metadata.generation !== undefined && (status.observedGeneration ?? 0) < metadata.generation) return `Deployment ${name}: waiting for the spec update to be observed`;
  const replicas = spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  if (updated < replicas) return `Deployment ${name}: ${updated} out of ${replicas} new replicas have been updated`;
  if ((status.replicas ?? 0) > updated) return `Deployment ${name}: ${(status.replicas ?? 0) - updated} old replicas are pending termination`;
  const available = status.availableReplicas ?? 0;
  if (available < updated) return `Deployment ${name}: ${available} of ${updated} updated replicas are available`;
  return undefined;
}

export interface RevisionJudgement {
  signals: RevisionSignals;
  /** What is still missing ('' when ready). */
  waiting: string;
}

/** Judges the revision whose desired objects are `desired` on the live Deployments and the feed's conditions. */
export function judgeRevision(
  desired: readonly KubeObject[],
  live: (object: KubeObject) => KubeObject | undefined,
  conditions: readonly MarketFeedCondition[] | undefined,
): RevisionJudgement {
  const waits = desired
    .filter((object) => object.apiVersion === 'apps/v1' && object.kind === 'Deployment')
    .map((object) => deploymentRolloutWait(object, live(object)))
    .filter((wait): wait is string => wait !== undefined);
  return { signals: { ready: waits.length === 0, conditions }, waiting: waits.join('; ') };
}
