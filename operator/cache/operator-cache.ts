// The operator's view of the cluster: one informer per kind (MarketFeeds, and each kind a
// feed owns, filtered by the managed-by label), plus read-your-writes (recent-writes.ts).
// Informer events are turned into feed keys ("namespace/name"): a MarketFeed's own key, or
// for an owned object its owner's key, from its controller ownerReference or else its
// marketfeed.dev/feed label. Reconciles read only from here, never from event payloads.
import { ListWatch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { MARKETFEED_API_VERSION, MARKETFEED_KIND, type MarketFeed } from '../../cdk8s/api/marketfeed-types.ts';
import { LABEL_FEED, LABEL_MANAGED_BY, MANAGED_BY } from '../../cdk8s/feed/feed-names.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { collectionPath, MARKETFEED, OWNED_TYPES, type ResourceType } from '../kube/resource-types.ts';
import { OwnerIndex } from './owner-index.ts';
import { ResilientInformer } from './resilient-informer.ts';
import { RecentWrites } from './recent-writes.ts';
import { UnreadFieldsDroppingWatch, withoutUnreadFields } from './unread-fields.ts';

export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

export function feedKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function parseFeedKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The key of the MarketFeed that owns `object`, if it says. */
export function ownerKeyOf(object: KubeObject): string | undefined {
  const namespace = object.metadata.namespace ?? '';
  const owner = object.metadata.ownerReferences?.find((ref) => ref.controller === true && ref.kind === MARKETFEED_KIND && ref.apiVersion === MARKETFEED_API_VERSION);
  if (owner !== undefined) return feedKey(namespace, owner.name);
  const label = object.metadata.labels?.[LABEL_FEED];
  return label === undefined ? undefined : feedKey(namespace, label);
}

export function isOwnedBy(object: KubeObject, ownerUid: string | undefined): boolean {
  return ownerUid !== undefined && (object.metadata.ownerReferences ?? []).some((ref) => ref.uid === ownerUid);
}

function writeKey(type: ResourceType, namespace: string, name: string): string {
  return `${type.group}/${type.kind}/${namespace}/${name}`;
}

export interface OperatorCacheOptions {
  kubeConfig: KubeConfig;
  client: KubeClient;
  /** Watch one namespace, or all when undefined. */
  namespace: string | undefined;
  logger: Logger;
  onWatchRestart: (kind: string) => void;
  /** Called with a feed key whenever something about that feed changed. */
  onFeedEvent: (key: string) => void;
}

/** A list+watch of one kind (in one namespace or all), restarted after errors, caching objects without their unread fields. */
export function resilientInformerFor(
  options: Pick<OperatorCacheOptions, 'kubeConfig' | 'client' | 'namespace' | 'logger' | 'onWatchRestart'>,
  type: ResourceType,
  labelSelector: string | undefined,
): ResilientInformer {
  const list = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    const answer = await options.client.list(type, options.namespace, labelSelector);
    return { ...answer, items: answer.items.map(withoutUnreadFields) } as unknown as KubernetesListObject<KubernetesObject>;
  };
  const watch = new UnreadFieldsDroppingWatch(options.kubeConfig);
  return new ResilientInformer({
    name: type.kind,
    informer: new ListWatch(collectionPath(type, options.namespace), watch, list, false, labelSelector),
    logger: options.logger,
    onRestart: () => options.onWatchRestart(type.kind),
  });
}

export class OperatorCache {
  private readonly feeds: ResilientInformer;
  private readonly owned = new Map<ResourceType, ResilientInformer>();
  private readonly owners = new Map<ResourceType, OwnerIndex>();
  private readonly recent = new RecentWrites<KubeObject>();

  constructor(options: OperatorCacheOptions) {
    const informerFor = (type: ResourceType, labelSelector: string | undefined): ResilientInformer => resilientInformerFor(options, type, labelSelector);
    this.feeds = informerFor(MARKETFEED, undefined);
    for (const event of ['add', 'update', 'delete'] as const) {
      this.feeds.on(event, (object) => {
        const { namespace = '', name } = object.metadata;
        this.recent.observe(writeKey(MARKETFEED, namespace, name), object, event === 'delete');
        options.onFeedEvent(feedKey(namespace, name));
      });
    }
    for (const type of OWNED_TYPES) {
      const informer = informerFor(type, MANAGED_SELECTOR);
      const index = new OwnerIndex();
      this.owners.set(type, index);
      for (const event of ['add', 'update', 'delete'] as const) {
        informer.on(event, (object) => {
          if (event === 'delete') index.remove(object);
          else index.upsert(object);
          this.recent.observe(writeKey(type, object.metadata.namespace ?? '', object.metadata.name), object, event === 'delete');
          const key = ownerKeyOf(object);
          if (key !== undefined) options.onFeedEvent(key);
        });
      }
      this.owned.set(type, informer);
    }
  }

  private get informers(): ResilientInformer[] {
    return [this.feeds, ...this.owned.values()];
  }

  async start(): Promise<void> {
    await Promise.all(this.informers.map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((informer) => informer.stop()));
  }

  get synced(): boolean {
    return this.informers.every((informer) => informer.synced);
  }

  /** Kinds whose first list has not completed yet. */
  get unsynced(): string[] {
    return this.informers.filter((informer) => !informer.synced).map((informer) => informer.name);
  }

  whenSynced(): Promise<void> {
    return Promise.all(this.informers.map((informer) => informer.whenSynced())).then(() => undefined);
  }

  feed(namespace: string, name: string): MarketFeed | undefined {
    const key = writeKey(MARKETFEED, namespace, name);
    return this.recent.read(key, this.feeds.get(name, namespace)) as unknown as MarketFeed | undefined;
  }

  /** Keys of every MarketFeed in the cache. */
  feedKeys(): string[] {
    return this.feeds.list().map((feed) => feedKey(feed.metadata.namespace ?? '', feed.metadata.name));
  }

  ownedObject(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const informer = this.owned.get(type);
    if (informer === undefined) throw new Error(`the operator does not watch ${type.kind}`);
    return this.recent.read(writeKey(type, namespace, name), informer.get(name, namespace));
  }

  /** Objects of `type` in the namespace that have an ownerReference to `ownerUid`. */
  ownedBy(type: ResourceType, namespace: string, ownerUid: string | undefined): KubeObject[] {
    const index = this.owners.get(type);
    if (index === undefined || ownerUid === undefined) return [];
    return index
      .ownedBy(ownerUid)
      .filter((ref) => ref.namespace === namespace)
      .map((ref) => this.ownedObject(type, ref.namespace, ref.name))
      .filter((object): object is KubeObject => object !== undefined && isOwnedBy(object, ownerUid));
  }

  /** The informer's own resourceVersion of an object (no read-your-writes): capture it before a write. */
  cachedVersion(type: ResourceType, namespace: string, name: string): string | undefined {
    const informer = type === MARKETFEED ? this.feeds : this.owned.get(type);
    return informer?.get(name, namespace)?.metadata.resourceVersion;
  }

  /**
   * What the server answered to a write (undefined after a delete), read-your-writes until
   * the watch catches up; `before` is cachedVersion() from when the write was sent.
   */
  recordWrite(type: ResourceType, namespace: string, name: string, before: string | undefined, written: KubeObject | undefined): void {
    this.recent.recordWrite(writeKey(type, namespace, name), before, this.cachedVersion(type, namespace, name), written === undefined ? undefined : withoutUnreadFields(written));
  }
}
