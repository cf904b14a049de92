// Where a feed's metrics are: the Pods the operator watches (its own label, managed-by),
// grouped by feed, and in each running pod every container port named metrics or
// metrics-N (the publisher, each SHM consumer, a TCP consumer: marketfeed-workload.ts
// declares them so) at the pod's IP.
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { LABEL_FEED } from '../../cdk8s/feed/feed-names.ts';
import type { ResourceType } from '../kube/resource-types.ts';

export const POD: ResourceType = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true };

export interface MetricsEndpoint {
  /** pod uid:port, so that a replaced pod starts its rates afresh. */
  key: string;
  url: string;
}

interface PodShape {
  spec?: { containers?: Array<{ ports?: Array<{ name?: string; containerPort?: number }> }> };
  status?: { phase?: string; podIP?: string };
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
    for (const container of spec?.containers ?? []) {
      for (const port of container.ports ?? []) {
        if (port.containerPort === undefined || !METRICS_PORT_NAME.test(port.name ?? '')) continue;
        endpoints.push({ key: `${pod.metadata.uid ?? pod.metadata.name}:${port.containerPort}`, url: `http://${host}:${port.containerPort}/metrics` });
      }
    }
  }
  return endpoints;
}
