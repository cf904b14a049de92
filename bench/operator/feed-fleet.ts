// The MarketFeeds of the operator bench and the idle-writes test: varied specs (instrument
// counts, rates, SHM and TCP consumers, memory and SHM sizes), as a platform team would have them, and what "reconciled" means for one.
import { MARKETFEED_API_VERSION, MARKETFEED_KIND, type MarketFeedSpecInput } from '../../cdk8s/api/marketfeed-types.ts';
import type { KubeObject } from '../../test/kube/test-api-server.ts';

export function exampleFeeds(count: number, namespace: string): KubeObject[] {
  return Array.from({ length: count }, (_, i) => {
    const spec: MarketFeedSpecInput = {
      instruments: { count: 100 + (i % 10) * 50 },
      rate: 50_000 * (1 + (i % 4)),
      shmConsumers: Array.from({ length: 1 + (i % 3) }, (_unused, c) => ({ name: `reader-${c}` })),
      tcpConsumers: { replicas: i % 3, encoding: i % 2 === 0 ? 'binary' : 'json' },
      // Some with sizes the API server stores in another form (2048Mi → 2Gi, 1024Mi → 1Gi).
      ...(i % 5 === 0 ? { resources: { memoryMi: 2048 }, shmSizeMi: 1024 } : {}),
    };
    return { apiVersion: MARKETFEED_API_VERSION, kind: MARKETFEED_KIND, metadata: { name: `feed-${String(i).padStart(3, '0')}`, namespace }, spec };
  });
}

/** Ready=True, as of the feed's current generation. */
export function isReconciled(feed: KubeObject): boolean {
  const status = feed.status as { observedGeneration?: number; conditions?: Array<{ type: string; status: string }> } | undefined;
  return status?.observedGeneration === feed.metadata.generation && status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}
