// The rollout of one feed as a pure state machine over status.rollout, so that the operator's
// memory holds nothing a restart would lose: the deadline counts from status.rollout.startedAt.
//
//   spec asks for a new revision ─→ Progressing (startedAt = now)
//   Progressing, revision good   ─→ Complete: it becomes the last good revision
//   Progressing, past deadline   ─→ RolledBack (the last good revision's objects are applied)
//                                   or Failed (no other good revision: its objects stay)
//   Failed, revision good        ─→ Complete (it was slow, not bad)
//   paused while Progressing     ─→ Suspended; unpaused ─→ Progressing with a fresh deadline
//
// The retry rule: a RolledBack revision stays rolled back for as long as the spec asks for it,
// whatever else changes (replicas, pause, the deadline). Only a spec whose pod templates give
// another revision starts a new rollout; returning to the failed revision after that is a new
// request, and it is tried again.
import type { RolloutPhase, RolloutResult, RolloutStatus } from '../../cdk8s/api/marketfeed-types.ts';
import { ROLLOUT_HISTORY_LIMIT } from '../../cdk8s/api/marketfeed-types.ts';
import type { EventType } from '../events/event-recorder.ts';
import type { RevisionHealth } from '../health/revision-health.ts';
import { kubeTime, type ConditionUpdate } from '../reconcile/conditions.ts';

export interface RolloutInputs {
  /** status.rollout as stored. */
  previous: RolloutStatus | undefined;
  /** The revision the spec asks for. */
  revision: string;
  paused: boolean;
  deadlineSeconds: number;
  /** Whether `revision` is good on the live objects (isRevisionGood), and if not, what is missing. */
  good: boolean;
  waiting: string;
  nowMs: number;
  /** With live health on: the verdict on the revision's own pods (a good revision must be ready and healthy). */
  health?: RevisionHealth;
}

export interface RolloutStep {
  status: RolloutStatus;
  /** Whose objects to apply: the spec's revision, or the last good one (rolled back). */
  apply: 'spec' | 'lastGood';
  /** Reconcile again after this long (the deadline), when the rollout is waiting for it. */
  requeueAfterMs?: number;
  /** Revisions that left the history: their ControllerRevisions can go. */
  dropped: string[];
}

export interface RolloutEvent {
  type: EventType;
  reason: string;
  message: string;
}

/** Longest part of a message that says what a revision was still waiting for. */
const WAITING_MAX = 600;

/** metav1.Time rounded up to the second: a deadline counted from it is never short. */
export function kubeTimeCeil(nowMs: number): string {
  return kubeTime(new Date(Math.ceil(nowMs / 1000) * 1000));
}

/** The history with `revision` moved to the end with its new result; the oldest go beyond the limit, never `keep`. */
export function recordResult(
  history: RolloutStatus['history'],
  revision: string,
  result: RolloutResult,
  at: string,
  keep: string | undefined,
): { history: NonNullable<RolloutStatus['history']>; dropped: string[] } {
  const next = (history ?? []).filter((entry) => entry.revision !== revision);
  next.push({ revision, result, at });
  const dropped: string[] = [];
  while (next.length > ROLLOUT_HISTORY_LIMIT) {
    const index = next.findIndex((entry) => entry.revision !== keep);
    dropped.push(...next.splice(index, 1).map((entry) => entry.revision));
  }
  return { history: next, dropped };
}

function describeWait(waiting: string): string {
  const text = waiting === '' ? 'not ready' : waiting;
  return text.length > WAITING_MAX ? `${text.slice(0, WAITING_MAX - 1)}…` : text;
}

function message(status: RolloutStatus, inputs: RolloutInputs): string {
  const { revision, lastGoodRevision } = status;
  const good = inputs.health === undefined ? 'ready' : 'ready and healthy';
  switch (status.phase) {
    case 'Progressing':
      return `rolling out revision ${revision}${lastGoodRevision === undefined ? '' : ` (last good ${lastGoodRevision})`}: it has ${inputs.deadlineSeconds}s to become ${good}`;
    case 'Complete':
      return `revision ${revision} is ${good}${inputs.health === undefined ? '' : ` (${inputs.health.message})`}: the last good revision`;
    case 'RolledBack':
      return `revision ${revision} was not ${good} within ${inputs.deadlineSeconds}s (${describeWait(inputs.waiting)}); restored revision ${lastGoodRevision ?? ''}; it is not retried until the pod template changes again`;
    case 'Failed':
      return `revision ${revision} was not ${good} within ${inputs.deadlineSeconds}s (${describeWait(inputs.waiting)}); there is no earlier good revision to restore, so it stays`;
    case 'Suspended':
      return `paused: the rollout of revision ${revision} resumes, with a fresh deadline, when the feed is unpaused`;
  }
}

/** The next status.rollout for what the spec asks and the live objects show. */
export function nextRollout(inputs: RolloutInputs): RolloutStep {
  const { previous, revision, nowMs } = inputs;
  const now = kubeTimeCeil(nowMs);
  const status: RolloutStatus =
    previous === undefined || previous.revision !== revision
      ? {
          revision,
          phase: 'Progressing',
          startedAt: now,
          message: '',
          ...(previous?.lastGoodRevision === undefined ? {} : { lastGoodRevision: previous.lastGoodRevision }),
          ...(previous?.history === undefined ? {} : { history: previous.history }),
        }
      : { ...previous };
  const entered = (phase: RolloutPhase): boolean => status.phase === phase && (previous?.phase !== phase || previous.revision !== revision);

  if (inputs.paused && status.phase === 'Progressing') {
    status.phase = 'Suspended';
    delete status.startedAt;
  } else if (!inputs.paused && status.phase === 'Suspended') {
    status.phase = 'Progressing';
    status.startedAt = now;
  }

  let requeueAfterMs: number | undefined;
  let dropped: string[] = [];
  if (!inputs.paused && (status.phase === 'Progressing' || status.phase === 'Failed')) {
    const startedMs = Date.parse(status.startedAt ?? '');
    if (Number.isNaN(startedMs)) status.startedAt = now;
    const deadlineMs = (Number.isNaN(startedMs) ? nowMs : startedMs) + inputs.deadlineSeconds * 1000;
    if (inputs.good) {
      status.phase = 'Complete';
      status.lastGoodRevision = revision;
      ({ history: status.history, dropped } = recordResult(status.history, revision, 'Good', now, revision));
    } else if (status.phase === 'Progressing' && nowMs >= deadlineMs) {
      const restorable = status.lastGoodRevision !== undefined && status.lastGoodRevision !== revision;
      status.phase = restorable ? 'RolledBack' : 'Failed';
      ({ history: status.history, dropped } = recordResult(status.history, revision, status.phase, now, status.lastGoodRevision));
    } else if (status.phase === 'Progressing') {
      requeueAfterMs = Math.max(1, deadlineMs - nowMs);
    }
  }
  // A failure's message says why at the moment it failed; it is not rewritten afterwards.
  const keepMessage = (status.phase === 'RolledBack' || status.phase === 'Failed') && !entered(status.phase) && previous !== undefined;
  status.message = keepMessage ? previous.message : message(status, inputs);
  return { status, apply: status.phase === 'RolledBack' ? 'lastGood' : 'spec', dropped, ...(requeueAfterMs === undefined ? {} : { requeueAfterMs }) };
}

/** The RolledBack condition for a rollout status. */
export function rolledBackCondition(status: RolloutStatus): ConditionUpdate {
  switch (status.phase) {
    case 'RolledBack':
      return { type: 'RolledBack', status: 'True', reason: 'ProgressDeadlineExceeded', message: status.message };
    case 'Failed':
      return { type: 'RolledBack', status: 'False', reason: 'NoGoodRevision', message: status.message };
    case 'Complete':
      return { type: 'RolledBack', status: 'False', reason: 'RolloutComplete', message: status.message };
    case 'Progressing':
      return { type: 'RolledBack', status: 'False', reason: 'RolloutInProgress', message: status.message };
    case 'Suspended':
      return { type: 'RolledBack', status: 'False', reason: 'Paused', message: status.message };
  }
}

/**
 * Events for what changed between two rollout statuses: a rollback or a failure (Warning),
 * and the start and end of every rollout after the first good revision (Normal). A feed's
 * first revision has the Created and Ready events already.
 */
export function rolloutEvents(before: RolloutStatus | undefined, after: RolloutStatus): RolloutEvent[] {
  const events: RolloutEvent[] = [];
  const changed = before?.revision !== after.revision;
  const phaseEntered = changed || before?.phase !== after.phase;
  const update = before?.lastGoodRevision !== undefined;
  if (changed && update) {
    events.push({ type: 'Normal', reason: 'RolloutStarted', message: `rolling out revision ${after.revision} (last good ${before.lastGoodRevision})` });
  }
  if (!phaseEntered) return events;
  if (after.phase === 'RolledBack') events.push({ type: 'Warning', reason: 'RolledBack', message: after.message });
  else if (after.phase === 'Failed') events.push({ type: 'Warning', reason: 'RolloutFailed', message: after.message });
  else if (after.phase === 'Complete' && update) events.push({ type: 'Normal', reason: 'RolloutComplete', message: after.message });
  return events;
}
