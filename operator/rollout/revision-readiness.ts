// Is a revision good? Its Deployments run the revision's pod templates and are rolled out,
// judged the way `kubectl rollout status` judges a Deployment: the controller observed the
// latest generation, every replica is updated, no old replica is left, and every updated
// replica is available. With live health on, its own pods must also be healthy (judged by
// the health monitor on a scrape of those pods, operator/health/revision-health.ts).
// isRevisionGood is the one place that says which signals make a revision good.
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import type { RevisionHealth } from '../health/revision-health.ts';
import { needsApply } from '../reconcile/drift.ts';
import { revisionPods, type RevisionPods } from './revision.ts';

interface DeploymentFields {
  metadata: { generation?: number };
  spec?: { replicas?: number };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

/** What a revision is judged on. */
export interface RevisionSignals {
  /** Every Deployment rolled out with the revision's pod templates (kubectl rollout status). */
  ready: boolean;
  /** Live health of the revision's own pods; undefined when live health is off (readiness alone decides). */
  health: RevisionHealth | undefined;
}

/**
 * Whether a revision counts as good: it becomes the last good revision, and a rollout that
 * does not get here within its deadline is rolled back. Never on the stored Healthy
 * condition: it may describe the pods of the revision before.
 */
export function isRevisionGood(signals: RevisionSignals): boolean {
  return signals.ready && (signals.health === undefined || signals.health.healthy);
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
  /** What is still missing ('' when good). */
  waiting: string;
}

/**
 * Judges the revision whose desired objects are `desired` on the live Deployments and, when
 * live health is on, on the health of its own pods (`health`, asked only once it is ready).
 */
export function judgeRevision(
  desired: readonly KubeObject[],
  live: (object: KubeObject) => KubeObject | undefined,
  health?: (pods: readonly RevisionPods[]) => RevisionHealth,
): RevisionJudgement {
  const waits = desired
    .filter((object) => object.apiVersion === 'apps/v1' && object.kind === 'Deployment')
    .map((object) => deploymentRolloutWait(object, live(object)))
    .filter((wait): wait is string => wait !== undefined);
  const ready = waits.length === 0;
  if (health === undefined) return { signals: { ready, health: undefined }, waiting: waits.join('; ') };
  if (!ready) return { signals: { ready, health: { healthy: false, message: 'not judged before the revision is ready' } }, waiting: waits.join('; ') };
  const verdict = health(revisionPods(desired));
  return { signals: { ready, health: verdict }, waiting: verdict.healthy ? '' : `ready, but ${verdict.message}` };
}
