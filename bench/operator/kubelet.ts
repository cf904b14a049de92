// What the kubelet and the deployment controller would report in a real cluster: every
// Deployment the operator creates is rolled out and all its replicas ready, at once.
import type { TestApiServer } from '../../test/kube/test-api-server.ts';

export class Kubelet {
  private readonly server: TestApiServer;

  constructor(server: TestApiServer) {
    this.server = server;
  }

  /** Marks every Deployment whose status does not yet match its spec and generation as ready. */
  markNewDeploymentsReady(): number {
    let marked = 0;
    for (const deployment of this.server.store.list('apps/v1', 'Deployment')) {
      const spec = deployment.spec as { replicas?: number } | undefined;
      const status = deployment.status as { readyReplicas?: number; observedGeneration?: number } | undefined;
      const replicas = spec?.replicas ?? 1;
      if (status?.observedGeneration === deployment.metadata.generation && (status?.readyReplicas ?? 0) === replicas) continue;
      this.server.store.markDeploymentReady(deployment.metadata.namespace!, deployment.metadata.name);
      marked++;
    }
    return marked;
  }
}
