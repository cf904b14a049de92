// The status a feed gets from its Deployments' status: ready counts, the three conditions
// and their reasons, rollouts in progress (observedGeneration behind), paused, and
// stability (the same inputs give the same status, so nothing is written).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { withDefaults, type MarketFeed, type MarketFeedSpecInput } from '../../cdk8s/api/marketfeed-types.ts';
import { feedStatus, invalidSpecStatus, sameStatus } from '../../operator/reconcile/feed-status.ts';

function feed(spec: MarketFeedSpecInput, status?: MarketFeed['status']): MarketFeed {
  return { apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed', metadata: { name: 'q', namespace: 'ns', uid: 'u', generation: 4 }, spec: withDefaults(spec), ...(status === undefined ? {} : { status }) };
}

function deployment(generation: number, status: Record<string, number> | undefined): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation }, ...(status === undefined ? {} : { status }) };
}

const condition = (status: ReturnType<typeof feedStatus>, type: string) => status.conditions?.find((c) => c.type === type);

describe('feedStatus', () => {
  it('counts ready pods and reports Ready only when the feed pod and every TCP consumer are', () => {
    const f = feed({ tcpConsumers: { replicas: 3 }, shmConsumerCount: 2 });
    const inputs = { feed: f, spec: f.spec, problem: undefined, now: 't1' };
    const waiting = feedStatus({ ...inputs, feedDeployment: deployment(1, { replicas: 1, readyReplicas: 1, observedGeneration: 1 }), tcpDeployment: deployment(1, { replicas: 3, readyReplicas: 2 }) });
    expect(waiting).toMatchObject({ observedGeneration: 4, readyShmConsumers: 2, readyTcpConsumers: 2, tcpConsumerReplicas: 3, endpoint: 'q-feed.ns.svc:9000' });
    expect(condition(waiting, 'Ready')).toMatchObject({ status: 'False', reason: 'PodsNotReady', message: 'feed pod ready, 2/3 TCP consumers ready', observedGeneration: 4 });
    expect(condition(waiting, 'Progressing')).toMatchObject({ status: 'True', reason: 'WaitingForPods' });
    const ready = feedStatus({ ...inputs, feed: { ...f, status: waiting }, now: 't2', feedDeployment: deployment(1, { replicas: 1, readyReplicas: 1 }), tcpDeployment: deployment(1, { replicas: 3, readyReplicas: 3 }) });
    expect(condition(ready, 'Ready')).toMatchObject({ status: 'True', reason: 'Available', lastTransitionTime: 't2' });
    expect(condition(ready, 'Progressing')).toMatchObject({ status: 'False', reason: 'Reconciled', lastTransitionTime: 't2' });
    expect(condition(ready, 'Degraded')).toMatchObject({ status: 'False', lastTransitionTime: 't1' });
    // Same inputs later: identical status.
    const again = feedStatus({ ...inputs, feed: { ...f, status: ready }, now: 't3', feedDeployment: deployment(1, { replicas: 1, readyReplicas: 1 }), tcpDeployment: deployment(1, { replicas: 3, readyReplicas: 3 }) });
    expect(sameStatus(again, ready)).toBe(true);
  });

  it('is not Ready while a Deployment has not observed its latest spec', () => {
    const f = feed({ tcpConsumers: { replicas: 0 } });
    const status = feedStatus({ feed: f, spec: f.spec, problem: undefined, now: 't', feedDeployment: deployment(3, { replicas: 1, readyReplicas: 1, observedGeneration: 2 }), tcpDeployment: undefined });
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False' });
    expect(status.readyShmConsumers).toBe(0);
  });

  it('paused: not Ready for reason Paused, not Degraded', () => {
    const f = feed({ paused: true });
    const status = feedStatus({ feed: f, spec: f.spec, problem: undefined, now: 't', feedDeployment: deployment(1, { replicas: 0 }), tcpDeployment: deployment(1, { replicas: 0 }) });
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'Paused' });
    expect(condition(status, 'Progressing')).toMatchObject({ status: 'False', reason: 'Paused' });
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'False' });
  });

  it('a problem makes it Degraded with its reason; an invalid spec keeps the rest of the status', () => {
    const f = feed({});
    const degraded = feedStatus({ feed: f, spec: f.spec, problem: { reason: 'ApplyFailed', message: 'boom' }, now: 't', feedDeployment: undefined, tcpDeployment: undefined });
    expect(condition(degraded, 'Degraded')).toMatchObject({ status: 'True', reason: 'ApplyFailed', message: 'boom' });
    const invalid = invalidSpecStatus({ ...f, status: degraded }, { reason: 'InvalidSpec', message: 'spec.rate: bad' }, 't2');
    expect(invalid.endpoint).toBe(degraded.endpoint);
    expect(condition(invalid, 'Degraded')).toMatchObject({ status: 'True', reason: 'InvalidSpec', lastTransitionTime: 't' });
    expect(condition(invalid, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
  });
  it('reports relay readiness from the relay DaemonSet, absent without spec.relays, and never makes Ready False for relays', () => {
    const ready = { feedDeployment: deployment(1, { replicas: 1, readyReplicas: 1 }), tcpDeployment: deployment(1, { replicas: 1, readyReplicas: 1 }), problem: undefined };
    const daemonSet = (status: Record<string, number> | undefined): KubeObject => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'q-relay', generation: 1 }, ...(status === undefined ? {} : { status }) });
    const plain = feed({});
    const without = feedStatus({ ...ready, feed: plain, spec: plain.spec, now: 't', relayDaemonSet: daemonSet({ desiredNumberScheduled: 3, numberReady: 3 }) });
    expect(without).not.toHaveProperty('relaysDesired');
    expect(without).not.toHaveProperty('relaysReady');

    const f = feed({ relays: {} });
    const partial = feedStatus({ ...ready, feed: f, spec: f.spec, now: 't', relayDaemonSet: daemonSet({ desiredNumberScheduled: 3, numberReady: 1 }) });
    expect(partial).toMatchObject({ relaysDesired: 3, relaysReady: 1 });
    expect(condition(partial, 'Ready')).toMatchObject({ status: 'True', reason: 'Available', message: 'feed pod ready, 1/1 TCP consumers ready, 1/3 relays ready' });

    const notYet = feedStatus({ ...ready, feed: f, spec: f.spec, now: 't', relayDaemonSet: undefined });
    expect(notYet).toMatchObject({ relaysDesired: 0, relaysReady: 0 });

    const all = feedStatus({ ...ready, feed: { ...f, status: partial }, spec: f.spec, now: 't2', relayDaemonSet: daemonSet({ desiredNumberScheduled: 3, numberReady: 3 }) });
    expect(all).toMatchObject({ relaysDesired: 3, relaysReady: 3 });
    expect(condition(all, 'Ready')).toMatchObject({ status: 'True', message: 'feed pod ready, 1/1 TCP consumers ready' });
    const again = feedStatus({ ...ready, feed: { ...f, status: all }, spec: f.spec, now: 't3', relayDaemonSet: daemonSet({ desiredNumberScheduled: 3, numberReady: 3 }) });
    expect(sameStatus(again, all)).toBe(true);
  });
});
