// Status conditions the Kubernetes way (metav1.Condition): one per type, and
// lastTransitionTime moves only when the status flips, so that a reconcile that finds
// nothing new computes exactly the status that is already stored (and writes nothing).
import type { ConditionType, MarketFeedCondition } from '../../cdk8s/api/marketfeed-types.ts';

export type ConditionStatus = MarketFeedCondition['status'];

export interface ConditionUpdate {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
}

export function findCondition(conditions: readonly MarketFeedCondition[] | undefined, type: string): MarketFeedCondition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

export function isConditionTrue(conditions: readonly MarketFeedCondition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/**
 * The conditions with `update` set: a new list (the input is not changed), the types in
 * their previous order and new types last; lastTransitionTime = `now` only when the
 * status of that type changed (or it is new), else the stored one.
 */
export function setCondition(conditions: readonly MarketFeedCondition[] | undefined, update: ConditionUpdate, now: string): MarketFeedCondition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((condition) => condition.type === update.type);
  const previous = index === -1 ? undefined : list[index];
  const next: MarketFeedCondition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message,
    lastTransitionTime: previous !== undefined && previous.status === update.status ? previous.lastTransitionTime : now,
    ...(update.observedGeneration === undefined ? {} : { observedGeneration: update.observedGeneration }),
  };
  if (index === -1) list.push(next);
  else list[index] = next;
  return list;
}

/** Did `type` become `status` between the two lists (it was something else or absent)? */
export function becameStatus(before: readonly MarketFeedCondition[] | undefined, after: readonly MarketFeedCondition[] | undefined, type: string, status: ConditionStatus): boolean {
  return findCondition(after, type)?.status === status && findCondition(before, type)?.status !== status;
}

/** Now as Kubernetes writes metav1.Time: RFC 3339 in UTC, whole seconds. */
export function kubeTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
