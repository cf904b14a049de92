// The feed's NetworkPolicy, evaluated on the synthesized object the way a CNI would
// (selectors, namespace selectors, port ranges): the metrics ports of the feed pod and of
// the TCP consumer pods admit only the operator's pods in the operator's namespace; the
// feed port only this feed's pods.
import { describe, expect, it } from 'vitest';
import { desiredObjects } from '../../cdk8s/feed/desired-objects.ts';
import { feedLabels, operatorSelectorLabels } from '../../cdk8s/feed/feed-names.ts';
import { operatorLabels } from '../../cdk8s/install/operator-install.ts';
import { marketFeed, objectsOfKind } from './helpers/feed-objects.ts';

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
}
interface Policy {
  metadata: { namespace: string };
  spec: { podSelector: Selector; policyTypes: string[]; ingress: Array<{ from?: Peer[]; ports?: Array<{ port: number; endPort?: number; protocol: string }> }> };
}
interface PodAt {
  namespace: string;
  labels: Record<string, string>;
}

function matches(selector: Selector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every((expression) => {
    if (expression.operator === 'In') return expression.values?.includes(labels[expression.key] ?? '\u0000') === true;
    throw new Error(`operator ${expression.operator} not evaluated here`);
  });
  return byLabels && byExpressions;
}

/** Whether `policy` admits a TCP connection from `source` to `target` on `port` (the policy must select the target). */
function admits(policy: Policy, source: PodAt, target: PodAt, port: number): boolean {
  if (target.namespace !== policy.metadata.namespace || !matches(policy.spec.podSelector, target.labels)) throw new Error('the policy does not select the target');
  return policy.spec.ingress.some((rule) => {
    const portOk = rule.ports === undefined || rule.ports.some((p) => p.protocol === 'TCP' && port >= p.port && port <= (p.endPort ?? p.port));
    const peerOk =
      rule.from === undefined ||
      rule.from.some((peer) => {
        const namespaceOk = peer.namespaceSelector === undefined ? source.namespace === policy.metadata.namespace : matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': source.namespace });
        return namespaceOk && (peer.podSelector === undefined || matches(peer.podSelector, source.labels));
      });
    return portOk && peerOk;
  });
}

const FEEDS_NAMESPACE = 'trading';
const spec = { shmConsumers: [{ name: 'strategy' }, { name: 'risk' }], tcp: { port: 7001 } };
const policyOf = (operatorNamespace?: string): Policy =>
  objectsOfKind(desiredObjects(marketFeed('quotes', spec), operatorNamespace === undefined ? {} : { operatorNamespace }), 'NetworkPolicy')[0] as unknown as Policy;
const feedPod: PodAt = { namespace: FEEDS_NAMESPACE, labels: feedLabels('quotes', 'feed') };
const tcpPod: PodAt = { namespace: FEEDS_NAMESPACE, labels: feedLabels('quotes', 'tcp-consumer') };
const operator = (namespace: string): PodAt => ({ namespace, labels: operatorLabels() });
const METRICS_PORTS = [9100, 9101, 9102];

describe('the feed NetworkPolicy', () => {
  it('admits the operator in its namespace to every metrics port of the feed pod and the TCP consumer pods', () => {
    const policy = policyOf();
    for (const port of METRICS_PORTS) expect(admits(policy, operator('marketfeed-system'), feedPod, port), `feed pod :${port}`).toBe(true);
    expect(admits(policy, operator('marketfeed-system'), tcpPod, 9100)).toBe(true);
    expect(operatorSelectorLabels()).toEqual(expect.objectContaining({ 'app.kubernetes.io/component': 'operator' }));
  });

  it('refuses the metrics ports to everyone else: operator lookalikes elsewhere, other pods in the operator namespace, the feed’s own pods, Prometheus', () => {
    const policy = policyOf();
    const strangers: PodAt[] = [
      operator(FEEDS_NAMESPACE),
      operator('attacker'),
      { namespace: 'marketfeed-system', labels: { app: 'something-else' } },
      tcpPod,
      { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } },
    ];
    for (const stranger of strangers) {
      for (const port of METRICS_PORTS) expect(admits(policy, stranger, feedPod, port), `${JSON.stringify(stranger)} → :${port}`).toBe(false);
      expect(admits(policy, stranger, tcpPod, 9100)).toBe(false);
    }
    // Past the last consumer's port nothing is open.
    expect(admits(policy, operator('marketfeed-system'), feedPod, 9103)).toBe(false);
  });

  it('follows the operator namespace it is given', () => {
    const policy = policyOf('platform');
    expect(admits(policy, operator('platform'), feedPod, 9100)).toBe(true);
    expect(admits(policy, operator('marketfeed-system'), feedPod, 9100)).toBe(false);
  });

  it('keeps the feed port for this feed’s TCP consumers, not the operator', () => {
    const policy = policyOf();
    expect(admits(policy, tcpPod, feedPod, 7001)).toBe(true);
    expect(admits(policy, operator('marketfeed-system'), feedPod, 7001)).toBe(false);
    expect(admits(policy, { namespace: FEEDS_NAMESPACE, labels: feedLabels('other', 'tcp-consumer') }, feedPod, 7001)).toBe(false);
  });
});
