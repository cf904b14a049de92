// Kubernetes Events (core/v1) about a MarketFeed, for `kubectl describe mf`: only for
// transitions worth a line (objects created or deleted, Ready or Degraded flipping), never
// per reconcile. Recording is best effort: a failed Event write is logged and forgotten,
// it never fails the reconcile that asked for it.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { MarketFeed } from '../../cdk8s/api/marketfeed-types.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { EVENT } from '../kube/resource-types.ts';
import { kubeTime } from '../reconcile/conditions.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  record(feed: MarketFeed, type: EventType, reason: string, message: string): Promise<void>;
}

export const REPORTING_COMPONENT = 'marketfeed.dev/operator';

/** Names like client-go's: `<object>.<hex time><random>`, within the 253 characters of a name. */
function eventName(objectName: string): string {
  const unique = `${Date.now().toString(16)}${randomBytes(4).toString('hex')}`;
  return `${objectName.slice(0, 253 - unique.length - 1)}.${unique}`;
}

export class KubeEventRecorder implements EventRecorder {
  private readonly client: KubeClient;
  private readonly identity: string;
  private readonly logger: Logger;

  constructor(client: KubeClient, identity: string, logger: Logger) {
    this.client = client;
    this.identity = identity;
    this.logger = logger;
  }

  async record(feed: MarketFeed, type: EventType, reason: string, message: string): Promise<void> {
    const now = kubeTime();
    const { name, namespace, uid, resourceVersion } = feed.metadata;
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName(name), namespace },
      involvedObject: { apiVersion: feed.apiVersion, kind: feed.kind, name, namespace, uid, resourceVersion },
      type,
      reason,
      message: message.slice(0, 1024),
      source: { component: 'marketfeed-operator' },
      reportingComponent: REPORTING_COMPONENT,
      reportingInstance: this.identity.slice(0, 128),
      action: reason,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await this.client.create(EVENT, namespace, event);
    } catch (error) {
      this.logger.warn({ err: error, feed: `${namespace}/${name}`, reason }, 'could not record an event');
    }
  }
}
