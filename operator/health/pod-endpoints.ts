// Where a feed's metrics are: the Pods the operator watches (its own label, managed-by),
// grouped by feed, and in each running pod every container port named metrics or
// metrics-N (the publisher, each SHM consumer, a TCP consumer: marketfeed-workload.ts
// declares them so) at the pod's IP, with what a rollout judges the pod by: its component,
// its pod-template label and whether it is Ready.
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { LABEL_COMPONENT, LABEL_FEED } from '../../cdk8s/feed/feed-names.ts';
import type { ResourceType } from '../kube/resource-types.ts';
import { LABEL_POD_TEMPLATE } from '../rollout/revision.ts';

export const POD: ResourceType = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true };

export interface MetricsEndpoint {
  /** pod uid:port, so that a replaced pod starts its rates afresh. */
  key: string;
  url: string;
  pod: PodFacts;
}

/** What a rollout judges a scraped pod by. */
export interface PodFacts {
  uid: string;
  component: string | undefined;
  /** The pod template it runs (the marketfeed.dev/pod-template label), when labelled. */
  templateHash: string | undefined;
  /** Its Ready condition is True. */
  ready: boolean;
}

interface PodShape {
  spec?: { containers?: Array<{ ports?: Array<{ name?: string; containerPort?: number }> }> };
  status?: { phase?: string; podIP?: string; conditions?: Array<{ type?: string; status?: string }> };
}

const METRICS_PORT_NAME = /^metrics(-\d+)?$/;

/** `namespace/feed-label` of a pod, the key pods are grouped by. */
export function podGroupKey(namespace: string, feedLabel: string): string {
  return `${namespace}/${feedLabel}`;
}

export function groupPodsByFeed(pods: readonly KubeObject[]): Map<string, KubeObject[]> {
  const groups = new Map<string, KubeObject[]>();
  for (const pod of pods) {
    const feed = pod.metadata.labels?.[LABEL_FEED];
    if (feed === undefined) continue;
    const key = podGroupKey(pod.metadata.namespace ?? '', feed);
    groups.set(key, [...(groups.get(key) ?? []), pod]);
  }
  return groups;
}

/** The metrics endpoints of the running, not terminating pods among `pods`. */
export function metricsEndpoints(pods: readonly KubeObject[]): MetricsEndpoint[] {
  const endpoints: MetricsEndpoint[] = [];
  for (const pod of pods) {
    const { spec, status } = pod as unknown as PodShape;
    if (status?.phase !== 'Running' || status.podIP === undefined || status.podIP === '' || pod.metadata.deletionTimestamp !== undefined) continue;
    const host = status.podIP.includes(':') ? `[${status.podIP}]` : status.podIP;
    const uid = pod.metadata.uid ?? pod.metadata.name;
    const facts: PodFacts = {
      uid,
      component: pod.metadata.labels?.[LABEL_COMPONENT],
      templateHash: pod.metadata.labels?.[LABEL_POD_TEMPLATE],
      ready: (status.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True'),
    };
    for (const container of spec?.containers ?? []) {
      for (const port of container.ports ?? []) {
        if (port.containerPort === undefined || !METRICS_PORT_NAME.test(port.name ?? '')) continue;
        endpoints.push({ key: `${uid}:${port.containerPort}`, url: `http://${host}:${port.containerPort}/metrics`, pod: facts });
      }
    }
  }
  return endpoints;
}
