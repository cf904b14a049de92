// Names and labels of a feed's objects: readable (<feed>-feed, <feed>-tcp-consumers, …) and
// always valid. A MarketFeed's name is a DNS subdomain of up to 253 characters, but Service
// names are DNS-1035 labels (63, starting with a letter) and label values are 63 at most, so
// a name that does not fit as-is is shortened and given a hash of the full name: two feeds
// never share a name or a label value because one of them had to be shortened.
import { createHash } from 'node:crypto';

export const DNS_LABEL_MAX = 63;
export const LABEL_VALUE_MAX = 63;
const HASH_LENGTH = 8;

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_FEED = 'marketfeed.dev/feed';
export const APP_NAME = 'marketfeed';
export const MANAGED_BY = 'marketfeed-operator';

export type Component = 'feed' | 'tcp-consumer' | 'relay' | 'operator';

/** The operator's name (its Deployment, ServiceAccount, Lease) and its default namespace. */
export const OPERATOR_NAME = 'marketfeed-operator';
export const DEFAULT_OPERATOR_NAMESPACE = 'marketfeed-system';
/** The label every namespace carries with its own name (Kubernetes ≥ 1.21). */
export const LABEL_NAMESPACE_NAME = 'kubernetes.io/metadata.name';

/** Labels that select the operator's pods (the feed pods admit its scrapes by them). */
export function operatorSelectorLabels(): Record<string, string> {
  return { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: OPERATOR_NAME, [LABEL_COMPONENT]: 'operator' };
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/**
 * `<base>-<suffix>` as a DNS-1035 label (lowercase letters, digits, '-', starting with a
 * letter, at most 63): the base as given when it fits, else a readable prefix of it plus a
 * hash of the full base.
 */
export function dnsLabelName(base: string, suffix: string): string {
  const tail = suffix === '' ? '' : `-${suffix}`;
  let cleaned = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  if (!/^[a-z]/.test(cleaned)) cleaned = `mf-${cleaned}`;
  cleaned = cleaned.replace(/-+$/, '');
  if (cleaned === base && cleaned.length + tail.length <= DNS_LABEL_MAX) return cleaned + tail;
  const hashed = `-${shortHash(base)}`;
  const room = DNS_LABEL_MAX - tail.length - hashed.length;
  const prefix = cleaned.slice(0, room).replace(/-+$/, '');
  return `${prefix}${hashed}${tail}`;
}

/** A label value standing for `value`: itself when valid, else a prefix plus a hash. */
export function labelValue(value: string): string {
  if (value.length <= LABEL_VALUE_MAX && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(value)) return value;
  const hashed = shortHash(value);
  const prefix = value
    .replace(/[^-A-Za-z0-9_.]+/g, '-')
    .slice(0, LABEL_VALUE_MAX - HASH_LENGTH - 1)
    .replace(/[^A-Za-z0-9]+$/, '')
    .replace(/^[^A-Za-z0-9]+/, '');
  return prefix === '' ? hashed : `${prefix}-${hashed}`;
}

export interface FeedObjectNames {
  /** Deployment of the feed pod (publisher + SHM consumers). */
  feedDeployment: string;
  /** Service of the TCP feed port (and the publisher's metrics). */
  service: string;
  tcpConsumers: string;
  configMap: string;
  networkPolicy: string;
  /** Segment file name under /dev/shm inside the feed pod. */
  segment: string;
  /** DaemonSet of the relays (spec.relays). */
  relayDaemonSet: string;
}

export function feedObjectNames(feedName: string): FeedObjectNames {
  return {
    feedDeployment: dnsLabelName(feedName, 'feed'),
    service: dnsLabelName(feedName, 'feed'),
    tcpConsumers: dnsLabelName(feedName, 'tcp-consumers'),
    configMap: dnsLabelName(feedName, 'config'),
    networkPolicy: dnsLabelName(feedName, 'feed-ingress'),
    segment: labelValue(feedName),
    relayDaemonSet: dnsLabelName(feedName, 'relay'),
  };
}

/** Labels on every object of a feed. */
export function feedLabels(feedName: string, component: Component): Record<string, string> {
  return {
    [LABEL_NAME]: APP_NAME,
    [LABEL_INSTANCE]: labelValue(feedName),
    [LABEL_COMPONENT]: component,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_PART_OF]: APP_NAME,
    [LABEL_FEED]: labelValue(feedName),
  };
}

/** Labels that select exactly one feed's pods of one component (and nothing of another feed). */
export function feedSelectorLabels(feedName: string, component: Component): Record<string, string> {
  return {
    [LABEL_NAME]: APP_NAME,
    [LABEL_INSTANCE]: labelValue(feedName),
    [LABEL_COMPONENT]: component,
  };
}

/** The same selector as a string, for `status.selector` of the scale subresource. */
export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Label selector string of a feed's TCP consumer pods (`status.selector`). */
export function tcpConsumerSelector(feedName: string): string {
  return selectorString(feedSelectorLabels(feedName, 'tcp-consumer'));
}

/** `<service>.<namespace>.svc:<port>`: where TCP consumers connect (`status.endpoint`). */
export function feedEndpoint(feedName: string, namespace: string, port: number): string {
  return `${feedObjectNames(feedName).service}.${namespace}.svc:${port}`;
}

/**
 * Segment file name a relay writes in its node's /dev/shm, shared by every feed on the node:
 * `<namespace>.<feed>` (a namespace is a DNS label, so the first dot ends it and no two
 * feeds collide).
 */
export function relaySegmentName(feedName: string, namespace: string): string {
  return `${namespace}.${labelValue(feedName)}`;
}
