// What a kubelet and the Deployment controller would report, for rollout tests: every
// Deployment's status follows its pod template, and whether its pods become ready depends on
// the images in that template. A "bad" image (by default any image whose tag is `bad`,
// e.g. `ghcr.io/marketfeed/marketfeed:bad`) never becomes ready, as an image that cannot be
// pulled or a process that crashes at start; every other image is ready at once. Statuses are
// written through the store (not HTTP), so they never show up in the request log, and only
// when they differ from the stored one (no churn of watch events).
import { isPlainObject } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';
import type { TestStore } from './test-api-server.ts';

export interface TestKubeletOptions {
  /** Whether pods of this image become ready (default: every image but a `:bad` tag). */
  imageReady?: (image: string) => boolean;
  /** How often the kubelet looks at the Deployments, ms (default 20). */
  intervalMs?: number;
}

export function isBadImage(image: string): boolean {
  return /:bad$/.test(image);
}

interface DeploymentStatusCounts {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
}

function templateImages(deployment: KubeObject): string[] {
  const spec = isPlainObject(deployment.spec) ? deployment.spec : {};
  const template = isPlainObject(spec.template) ? spec.template : {};
  const podSpec = isPlainObject(template.spec) ? template.spec : {};
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers.filter(isPlainObject) : [];
  return containers.map((container) => (typeof container.image === 'string' ? container.image : ''));
}

/** A count as the API server stores it: zero is omitted (omitempty), so null removes it in a merge patch. */
function count(value: number): number | null {
  return value === 0 ? null : value;
}

export class TestKubelet {
  private readonly store: TestStore;
  private readonly imageReady: (image: string) => boolean;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** Status writes so far. */
  writes = 0;

  constructor(store: TestStore, options: TestKubeletOptions = {}) {
    this.store = store;
    this.imageReady = options.imageReady ?? ((image) => !isBadImage(image));
    this.intervalMs = options.intervalMs ?? 20;
  }

  start(): this {
    this.timer ??= setInterval(() => this.sync(), this.intervalMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over every Deployment; returns how many statuses it wrote. */
  sync(): number {
    let written = 0;
    for (const deployment of this.store.list('apps/v1', 'Deployment')) {
      const spec = isPlainObject(deployment.spec) ? deployment.spec : {};
      const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
      const ready = templateImages(deployment).every((image) => this.imageReady(image)) ? replicas : 0;
      const wanted: Required<DeploymentStatusCounts> = {
        observedGeneration: deployment.metadata.generation ?? 0,
        replicas,
        // The pods of the current template exist (Recreate or a finished surge); whether they are ready is the image's.
        updatedReplicas: replicas,
        readyReplicas: ready,
        availableReplicas: ready,
      };
      const stored = (deployment.status ?? {}) as DeploymentStatusCounts;
      const same = (Object.keys(wanted) as Array<keyof DeploymentStatusCounts>).every((key) => (stored[key] ?? 0) === wanted[key]);
      if (same) continue;
      const available = ready >= replicas;
      this.store.patchStatus('apps/v1', 'Deployment', deployment.metadata.namespace, deployment.metadata.name, {
        observedGeneration: wanted.observedGeneration,
        replicas: count(replicas),
        updatedReplicas: count(replicas),
        readyReplicas: count(ready),
        availableReplicas: count(ready),
        unavailableReplicas: count(replicas - ready),
        conditions: [
          available
            ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
            : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
          available
            ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet of ${deployment.metadata.name} has successfully progressed.` }
            : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet of ${deployment.metadata.name} is progressing.` },
        ],
      });
      written++;
    }
    this.writes += written;
    return written;
  }
}
