// A MarketFeed's status from what the cache shows: the feed endpoint, ready counts from
// the owned Deployments' status (the feed pod holds the publisher and every SHM consumer,
// so its readiness is theirs), the scale-subresource fields, and the Ready / Progressing /
// Degraded conditions. A pure function of its inputs (time aside), so that an unchanged
// world gives an identical status and the operator writes nothing.
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { shmConsumerNames, type MarketFeed, type MarketFeedSpec, type MarketFeedStatus } from '../../cdk8s/api/marketfeed-types.ts';
import { feedEndpoint, tcpConsumerSelector } from '../../cdk8s/feed/feed-names.ts';
import { sameJson } from './drift.ts';
import { setCondition, type ConditionUpdate } from './conditions.ts';

/** Why a feed is Degraded: a reason (CamelCase) and a message for people. */
export interface Problem {
  reason: string;
  message: string;
}

interface DeploymentStatus {
  replicas?: number;
  readyReplicas?: number;
  observedGeneration?: number;
}

export interface DeploymentCounts {
  /** Pods that exist. */
  replicas: number;
  ready: number;
  /** The Deployment controller has seen the latest spec (true when the server does not say). */
  observed: boolean;
}

export function deploymentCounts(deployment: KubeObject | undefined): DeploymentCounts {
  const status = (deployment?.status ?? {}) as DeploymentStatus;
  const generation = deployment?.metadata.generation;
  return {
    replicas: status.replicas ?? 0,
    ready: status.readyReplicas ?? 0,
    observed: generation === undefined || status.observedGeneration === undefined || status.observedGeneration >= generation,
  };
}

interface DaemonSetStatus {
  desiredNumberScheduled?: number;
  numberReady?: number;
}

export interface RelayCounts {
  desired: number;
  ready: number;
}

/** The relay DaemonSet's counts (0/0 until it exists and the DaemonSet controller reports). */
export function relayCounts(daemonSet: KubeObject | undefined): RelayCounts {
  const status = (daemonSet?.status ?? {}) as DaemonSetStatus;
  return { desired: status.desiredNumberScheduled ?? 0, ready: status.numberReady ?? 0 };
}

export interface StatusInputs {
  feed: MarketFeed;
  /** The defaulted, valid spec. */
  spec: MarketFeedSpec;
  feedDeployment: KubeObject | undefined;
  tcpDeployment: KubeObject | undefined;
  /** The relay DaemonSet (only read when spec.relays is set). */
  relayDaemonSet?: KubeObject | undefined;
  problem: Problem | undefined;
  /** metav1.Time for conditions that flip now. */
  now: string;
}

function conditions(feed: MarketFeed, updates: ConditionUpdate[], now: string): MarketFeedStatus['conditions'] {
  let list = feed.status?.conditions;
  for (const update of updates) list = setCondition(list, { ...update, observedGeneration: feed.metadata.generation ?? 0 }, now);
  return list;
}

export function feedStatus(inputs: StatusInputs): MarketFeedStatus {
  const { feed, spec, problem, now } = inputs;
  const feedPod = deploymentCounts(inputs.feedDeployment);
  const tcp = deploymentCounts(inputs.tcpDeployment);
  const shmConsumers = shmConsumerNames(spec).length;
  const feedReady = !spec.paused && inputs.feedDeployment !== undefined && feedPod.observed && feedPod.ready >= 1;
  const tcpWanted = spec.paused ? 0 : spec.tcpConsumers.replicas;
  const tcpReady = tcpWanted === 0 || (inputs.tcpDeployment !== undefined && tcp.observed && tcp.ready >= tcpWanted);
  const relays = spec.relays === undefined ? undefined : relayCounts(inputs.relayDaemonSet);
  // Relays only widen the feed to more nodes: the feed serves (TCP and local SHM) without
  // them, so relays not ready are named in the Ready message but never make Ready False.
  const relaysNote = relays !== undefined && relays.ready < relays.desired ? `, ${relays.ready}/${relays.desired} relays ready` : '';
  const counts = `feed pod ${feedReady ? 'ready' : 'not ready'}, ${tcp.ready}/${tcpWanted} TCP consumers ready${relaysNote}`;
  const updates: ConditionUpdate[] = spec.paused
    ? [
        { type: 'Ready', status: 'False', reason: 'Paused', message: 'paused: the feed pod and the TCP consumers are scaled to zero' },
        { type: 'Progressing', status: 'False', reason: 'Paused', message: 'paused' },
      ]
    : [
        feedReady && tcpReady
          ? { type: 'Ready', status: 'True', reason: 'Available', message: counts }
          : { type: 'Ready', status: 'False', reason: 'PodsNotReady', message: counts },
        feedReady && tcpReady
          ? { type: 'Progressing', status: 'False', reason: 'Reconciled', message: 'every object is up to date and its pods are ready' }
          : { type: 'Progressing', status: 'True', reason: 'WaitingForPods', message: counts },
      ];
  updates.push(
    problem === undefined
      ? { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '' }
      : { type: 'Degraded', status: 'True', reason: problem.reason, message: problem.message },
  );
  return {
    observedGeneration: feed.metadata.generation ?? 0,
    conditions: conditions(feed, updates, now),
    endpoint: feedEndpoint(feed.metadata.name, feed.metadata.namespace, spec.tcp.port),
    readyShmConsumers: feedReady ? shmConsumers : 0,
    readyTcpConsumers: tcp.ready,
    tcpConsumerReplicas: tcp.replicas,
    selector: tcpConsumerSelector(feed.metadata.name),
    ...(relays === undefined ? {} : { relaysDesired: relays.desired, relaysReady: relays.ready }),
    // The health loop's numbers (operator/health): kept as they are, never rewritten here.
    ...(feed.status?.health === undefined ? {} : { health: feed.status.health }),
  };
}

/**
 * The status of a feed whose spec cannot be turned into objects: Degraded with the
 * problem, not Ready, and everything else as it was (the objects of the last good spec
 * are left running as they are).
 */
export function invalidSpecStatus(feed: MarketFeed, problem: Problem, now: string): MarketFeedStatus {
  const message = `${problem.message}; the objects of the last valid spec are left as they are`;
  return {
    ...feed.status,
    observedGeneration: feed.metadata.generation ?? 0,
    conditions: conditions(
      feed,
      [
        { type: 'Ready', status: 'False', reason: problem.reason, message },
        { type: 'Progressing', status: 'False', reason: problem.reason, message },
        { type: 'Degraded', status: 'True', reason: problem.reason, message: problem.message },
      ],
      now,
    ),
  };
}

export function sameStatus(a: MarketFeedStatus | undefined, b: MarketFeedStatus | undefined): boolean {
  return sameJson(a ?? {}, b ?? {});
}
