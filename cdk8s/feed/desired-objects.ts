// What the operator applies for one MarketFeed: the MarketFeedWorkload construct synthesized
// in-process (a fresh App and Chart per call, nothing written to disk) into plain JSON
// objects, each with metadata.namespace set and without ownerReferences, which the operator
// adds. The same construct is what `cdk8s synth` uses, so the two never differ.
import { App, Chart } from 'cdk8s';
import { validateSpec, withDefaults, type MarketFeed } from '../api/marketfeed-types.ts';
import type { KubeObject } from '../api/kube-object.ts';
import { MarketFeedWorkload } from './marketfeed-workload.ts';
import { RelayDaemonSet, relaySpecProblems } from './relay-daemonset.ts';

export { feedEndpoint, feedLabels, feedObjectNames, feedSelectorLabels, tcpConsumerSelector, type FeedObjectNames } from './feed-names.ts';

/** The kinds a MarketFeed owns: what the operator watches, garbage-collects and needs RBAC for. */
export const OWNED_KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment', group: 'apps', plural: 'deployments' },
  { apiVersion: 'v1', kind: 'Service', group: '', plural: 'services' },
  { apiVersion: 'v1', kind: 'ConfigMap', group: '', plural: 'configmaps' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', group: 'networking.k8s.io', plural: 'networkpolicies' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', group: 'apps', plural: 'daemonsets' },
] as const;

export type OwnedKind = (typeof OWNED_KINDS)[number];

/** A spec the constructs cannot turn into objects; `problems` as from validateSpec. */
export class InvalidSpecError extends Error {
  readonly problems: string[];
  constructor(feed: string, problems: string[]) {
    super(`MarketFeed ${feed}: invalid spec: ${problems.join('; ')}`);
    this.name = 'InvalidSpecError';
    this.problems = problems;
  }
}

/**
 * The objects `feed` should have, in a stable order (ConfigMap, Service, Deployments,
 * NetworkPolicy as the construct declares them, then the relay DaemonSet if spec.relays). Defaults are filled in here, so the spec
 * may come straight from the API server or a test. Throws InvalidSpecError when
 * validateSpec finds problems; the operator reports those as Degraded instead.
 */
export function desiredObjects(feed: MarketFeed, options: { operatorNamespace?: string } = {}): KubeObject[] {
  const problems = validateSpec(feed.spec);
  const spec = withDefaults(feed.spec);
  if (problems.length === 0) problems.push(...relaySpecProblems(spec));
  if (problems.length > 0) throw new InvalidSpecError(`${feed.metadata.namespace}/${feed.metadata.name}`, problems);
  const app = new App();
  const chart = new Chart(app, 'marketfeed', { namespace: feed.metadata.namespace, disableResourceNameHashes: true });
  const props = { name: feed.metadata.name, namespace: feed.metadata.namespace, spec };
  new MarketFeedWorkload(chart, 'workload', { ...props, ...options });
  // spec.relays: a relay on every selected node; absent, no DaemonSet (and the operator deletes one left over).
  if (spec.relays !== undefined) new RelayDaemonSet(chart, 'relays', { ...props, spec: { ...spec, relays: spec.relays } });
  return chart.toJson() as KubeObject[];
}
