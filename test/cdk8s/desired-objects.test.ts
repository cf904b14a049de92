// desiredObjects(): what one MarketFeed becomes. Every object validates against the
// Kubernetes 1.34 OpenAPI schemas (kubernetes-models), and the cdk8s-plus-27 defaults that
// fight low latency are overridden (../shared/LIMITS.md).
import { describe, expect, it } from 'vitest';
import { desiredObjects, feedEndpoint, feedObjectNames, InvalidSpecError, OWNED_KINDS, tcpConsumerSelector } from '../../cdk8s/feed/desired-objects.ts';
import { dnsLabelName, labelValue, operatorSelectorLabels } from '../../cdk8s/feed/feed-names.ts';
import type { MarketFeedSpecInput } from '../../cdk8s/api/marketfeed-types.ts';
import { validateKubernetesObject } from './helpers/kubernetes-models.ts';
import { deploymentNamed, isDns1035Label, isLabelValue, marketFeed, objectsOfKind, selects } from './helpers/feed-objects.ts';

const SPECS: Record<string, MarketFeedSpecInput> = {
  defaults: {},
  full: {
    instruments: { symbols: ['EURUSD', 'GBPUSD', 'USDJPY'] },
    rate: 0,
    ringCapacity: 1 << 20,
    shmSizeMi: 80,
    tcp: { port: 7001, encodings: ['json'] },
    shmConsumers: [{ name: 'strategy' }, { name: 'recorder' }, { name: 'risk' }],
    tcpConsumers: { replicas: 4, encoding: 'json' },
    resources: { cpus: '2', memoryMi: 512 },
    image: 'registry.example.com/marketfeed:1.2.3',
    imagePullPolicy: 'Never',
    nodeSelector: { 'node.example.com/isolated-cores': 'true' },
    tolerations: [{ key: 'node.example.com/isolated-cores', operator: 'Exists', effect: 'NoSchedule' }],
    podAnnotations: { 'example.com/tuning': 'isolcpus' },
  },
  noShmConsumers: { shmConsumerCount: 0, tcpConsumers: { replicas: 0 } },
  paused: { paused: true, shmConsumerCount: 2, tcpConsumers: { replicas: 3 } },
};

describe('desiredObjects', () => {
  for (const [label, spec] of Object.entries(SPECS)) {
    it(`gives objects that validate against the Kubernetes 1.34 schemas (${label})`, () => {
      const objects = desiredObjects(marketFeed('quotes', spec));
      expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
        'ConfigMap/quotes-config',
        'Deployment/quotes-feed',
        'Service/quotes-feed',
        'Deployment/quotes-tcp-consumers',
        'NetworkPolicy/quotes-feed-ingress',
      ]);
      for (const object of objects) {
        expect(() => validateKubernetesObject(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
        expect(object.metadata.namespace).toBe('trading');
        expect(object.metadata.ownerReferences).toBeUndefined();
        expect(OWNED_KINDS.some((kind) => kind.apiVersion === object.apiVersion && kind.kind === object.kind)).toBe(true);
      }
    });
  }

  it('builds the feed pod: publisher + one container per SHM consumer around a Memory /dev/shm', () => {
    const objects = desiredObjects(marketFeed('quotes', SPECS.full));
    const feed = deploymentNamed(objects, 'quotes-feed');
    expect(feed.spec.replicas).toBe(1);
    expect(feed.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = feed.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '80Mi' } }]);
    expect(pod.containers.map((container) => container.name)).toEqual(['publisher', 'shm-strategy', 'shm-recorder', 'shm-risk']);
    const [publisher, ...consumers] = pod.containers;
    expect(publisher?.args).toEqual([
      'publish', '--feed', 'quotes', '--shm-dir', '/dev/shm', '--tcp-host', '0.0.0.0', '--tcp-port', '7001',
      '--metrics-port', '9100', '--rate', 'max', '--capacity', '1048576', '--instruments', '3',
    ]);
    consumers.forEach((consumer, index) => {
      expect(consumer.args).toEqual(['consume', 'shm', '--feed', 'quotes', '--shm-dir', '/dev/shm', '--name', ['strategy', 'recorder', 'risk'][index], '--metrics-port', String(9101 + index)]);
    });
    for (const container of pod.containers) {
      expect(container.volumeMounts).toEqual([{ name: 'shm', mountPath: '/dev/shm' }]);
      expect(container.resources).toEqual({ requests: { cpu: '2', memory: '512Mi' }, limits: { cpu: '2', memory: '512Mi' } });
      expect(container.image).toBe('registry.example.com/marketfeed:1.2.3');
      expect(container.imagePullPolicy).toBe('Never');
      expect(container.startupProbe).toBeUndefined();
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
      });
      const metricsPort = container.ports?.find((port) => port.name?.startsWith('metrics'))?.containerPort;
      expect(container.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: metricsPort });
      expect(container.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: metricsPort });
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'quotes-config' } }]);
    }
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.nodeSelector).toEqual({ 'node.example.com/isolated-cores': 'true' });
    expect(pod.tolerations).toEqual([{ key: 'node.example.com/isolated-cores', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(feed.spec.template.metadata.annotations).toMatchObject({
      'example.com/tuning': 'isolcpus',
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9100',
      'prometheus.io/path': '/metrics',
    });
    expect(feed.spec.template.metadata.labels['cdk8s.io/metadata.addr']).toBeUndefined();
  });

  it('builds the TCP consumers against the feed Service', () => {
    const objects = desiredObjects(marketFeed('quotes', SPECS.full));
    const consumers = deploymentNamed(objects, 'quotes-tcp-consumers');
    expect(consumers.spec.replicas).toBe(4);
    const [container] = consumers.spec.template.spec.containers;
    expect(container?.args).toEqual(['consume', 'tcp', '--host', 'quotes-feed.trading.svc', '--port', '7001', '--encoding', 'json', '--metrics-port', '9100']);
    expect(container?.resources).toEqual({ requests: { cpu: '2', memory: '512Mi' }, limits: { cpu: '2', memory: '512Mi' } });
    expect(container?.volumeMounts).toBeUndefined();
    expect(consumers.spec.template.spec.securityContext).toMatchObject({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(selects(consumers.spec.selector.matchLabels, consumers.spec.template.metadata.labels)).toBe(true);
    expect(tcpConsumerSelector('quotes')).toBe('app.kubernetes.io/name=marketfeed,app.kubernetes.io/instance=quotes,app.kubernetes.io/component=tcp-consumer');
  });

  it('exposes the feed port and the publisher metrics on the Service, and admits only the feed to the feed port', () => {
    const objects = desiredObjects(marketFeed('quotes', SPECS.full));
    const feedPod = deploymentNamed(objects, 'quotes-feed').spec.template.metadata.labels;
    const tcpPod = deploymentNamed(objects, 'quotes-tcp-consumers').spec.template.metadata.labels;
    const [service] = objectsOfKind(objects, 'Service') as unknown as { spec: { selector: Record<string, string>; ports: unknown[] } }[];
    expect(service?.spec.ports).toEqual([
      { name: 'feed', port: 7001, targetPort: 7001, protocol: 'TCP' },
      { name: 'metrics', port: 9100, targetPort: 9100, protocol: 'TCP' },
    ]);
    expect(selects(service?.spec.selector, feedPod)).toBe(true);
    expect(selects(service?.spec.selector, tcpPod)).toBe(false);
    expect(feedEndpoint('quotes', 'trading', 7001)).toBe('quotes-feed.trading.svc:7001');

    const [policy] = objectsOfKind(objects, 'NetworkPolicy') as unknown as {
      spec: { podSelector: { matchLabels: Record<string, string> }; ingress: { from?: { podSelector: { matchLabels: Record<string, string> } }[]; ports: unknown[] }[] };
    }[];
    expect(selects(policy?.spec.podSelector.matchLabels, feedPod)).toBe(true);
    const [feedRule, metricsRule] = policy?.spec.ingress ?? [];
    expect(feedRule?.ports).toEqual([{ protocol: 'TCP', port: 7001 }]);
    expect(feedRule?.from?.some((peer) => selects(peer.podSelector.matchLabels, tcpPod))).toBe(true);
    const otherFeedTcpPod = deploymentNamed(desiredObjects(marketFeed('other', SPECS.full)), 'other-tcp-consumers').spec.template.metadata.labels;
    expect(feedRule?.from?.some((peer) => selects(peer.podSelector.matchLabels, otherFeedTcpPod))).toBe(false);
    expect(metricsRule).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'marketfeed-system' } }, podSelector: { matchLabels: operatorSelectorLabels() } }],
      ports: [{ protocol: 'TCP', port: 9100, endPort: 9103 }],
    });
  });

  it('puts the feed configuration in the ConfigMap and rolls the pods when it changes', () => {
    const a = desiredObjects(marketFeed('quotes', { instruments: { symbols: ['A', 'B'] } }));
    const b = desiredObjects(marketFeed('quotes', { instruments: { symbols: ['A', 'C'] } }));
    expect(objectsOfKind(a, 'ConfigMap')[0]).toMatchObject({
      data: { MARKETFEED_FEED: 'quotes', MARKETFEED_SHM_DIR: '/dev/shm', MARKETFEED_ENDPOINT: 'quotes-feed.trading.svc:9000', MARKETFEED_SYMBOLS: 'A,B' },
    });
    const hash = (objects: typeof a) => deploymentNamed(objects, 'quotes-feed').spec.template.metadata.annotations?.['marketfeed.dev/config-hash'];
    expect(hash(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(hash(a)).not.toBe(hash(b));
    expect(hash(a)).toBe(hash(desiredObjects(marketFeed('quotes', { instruments: { symbols: ['A', 'B'] } }))));
  });

  it('scales the feed and its TCP consumers to zero when paused, keeping Service and ConfigMap', () => {
    const objects = desiredObjects(marketFeed('quotes', SPECS.paused));
    expect(deploymentNamed(objects, 'quotes-feed').spec.replicas).toBe(0);
    expect(deploymentNamed(objects, 'quotes-tcp-consumers').spec.replicas).toBe(0);
    expect(objectsOfKind(objects, 'Service')).toHaveLength(1);
    expect(objectsOfKind(objects, 'ConfigMap')).toHaveLength(1);
  });

  it("gives both Deployments the rollout's progress deadline, so that kubectl rollout status agrees with the operator", () => {
    for (const [seconds, spec] of [[600, {}], [45, { rollout: { progressDeadlineSeconds: 45 } }]] as const) {
      const objects = desiredObjects(marketFeed('quotes', spec));
      for (const name of ['quotes-feed', 'quotes-tcp-consumers']) expect((deploymentNamed(objects, name).spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds).toBe(seconds);
    }
  });

  it('is deterministic: the same feed gives the same objects', () => {
    expect(desiredObjects(marketFeed('quotes', SPECS.full))).toEqual(desiredObjects(marketFeed('quotes', SPECS.full)));
  });

  it('throws InvalidSpecError with the problems for an invalid spec', () => {
    try {
      desiredObjects(marketFeed('quotes', { resources: { cpus: '1500m' } }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSpecError);
      expect((error as InvalidSpecError).problems).toHaveLength(1);
      expect((error as Error).message).toMatch(/^MarketFeed trading\/quotes: invalid spec: spec\.resources\.cpus/);
    }
  });
});

describe('object names', () => {
  it('are readable when the feed name fits', () => {
    expect(feedObjectNames('quotes')).toEqual({
      feedDeployment: 'quotes-feed',
      service: 'quotes-feed',
      tcpConsumers: 'quotes-tcp-consumers',
      configMap: 'quotes-config',
      networkPolicy: 'quotes-feed-ingress',
      segment: 'quotes',
      relayDaemonSet: 'quotes-relay',
    });
  });

  it('are shortened with a hash of the full name when it does not fit, and stay distinct', () => {
    const long = `${'a'.repeat(60)}.example`;
    const longer = `${'a'.repeat(60)}.example2`;
    for (const name of [long, longer, '1abc', 'a.b', `${'x'.repeat(250)}`]) {
      for (const suffix of ['feed', 'tcp-consumers', 'config', 'feed-ingress']) {
        const result = dnsLabelName(name, suffix);
        expect(isDns1035Label(result), result).toBe(true);
        expect(result.endsWith(`-${suffix}`)).toBe(true);
      }
      expect(isLabelValue(labelValue(name)), labelValue(name)).toBe(true);
    }
    expect(dnsLabelName(long, 'feed')).not.toBe(dnsLabelName(longer, 'feed'));
    expect(dnsLabelName('a.b', 'feed')).not.toBe(dnsLabelName('a-b', 'feed'));
    expect(labelValue(long)).not.toBe(labelValue(longer));
    expect(dnsLabelName(long, 'feed')).toMatch(/^a+-[0-9a-f]{8}-feed$/);
  });
});

describe('the Kubernetes schema check itself', () => {
  it('rejects objects that break the Kubernetes schema, and kinds it has no model for', () => {
    const [deployment] = objectsOfKind(desiredObjects(marketFeed('quotes')), 'Deployment');
    const broken = structuredClone(deployment) as unknown as { spec: { replicas: unknown; template: { spec: { containers: unknown } } } };
    broken.spec.replicas = 'two';
    expect(() => validateKubernetesObject(broken as never)).toThrow();
    const noContainers = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers?: unknown } } } };
    delete noContainers.spec.template.spec.containers;
    expect(() => validateKubernetesObject(noContainers as never)).toThrow();
    expect(() => validateKubernetesObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toThrow(/no model/);
  });
});
