// The kinds the operator reads and writes, with their REST paths. The operator talks to
// the API by path (no discovery round trip), so every kind it touches is listed here.
import { MARKETFEED_GROUP, MARKETFEED_KIND, MARKETFEED_PLURAL, MARKETFEED_VERSION } from '../../cdk8s/api/marketfeed-types.ts';
import { OWNED_KINDS } from '../../cdk8s/feed/desired-objects.ts';

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export const MARKETFEED: ResourceType = { group: MARKETFEED_GROUP, version: MARKETFEED_VERSION, kind: MARKETFEED_KIND, plural: MARKETFEED_PLURAL, namespaced: true };
export const LEASE: ResourceType = { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true };
export const EVENT: ResourceType = { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true };

/** Kinds a MarketFeed owns (the constructs say which): watched, compared, applied and garbage-collected. */
export const OWNED_TYPES: readonly ResourceType[] = OWNED_KINDS.map((owned) => ({
  group: owned.group,
  version: owned.apiVersion.split('/').at(-1)!,
  kind: owned.kind,
  plural: owned.plural,
  namespaced: true,
}));

export const DEPLOYMENT: ResourceType = OWNED_TYPES.find((type) => type.kind === 'Deployment')!;
export const DAEMONSET: ResourceType = OWNED_TYPES.find((type) => type.kind === 'DaemonSet')!;

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** `apps/v1/Deployment`: identifies a kind in an API version. */
export function typeKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

export function ownedTypeOf(apiVersion: string, kind: string): ResourceType | undefined {
  return OWNED_TYPES.find((type) => apiVersionOf(type) === apiVersion && type.kind === kind);
}

/** The collection path: in one namespace, or across all when namespace is undefined. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const root = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  return type.namespaced && namespace !== undefined ? `${root}/namespaces/${encodeURIComponent(namespace)}/${type.plural}` : `${root}/${type.plural}`;
}

export function objectPath(type: ResourceType, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}${subresource === undefined ? '' : `/${subresource}`}`;
}
