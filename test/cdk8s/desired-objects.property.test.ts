// Properties of desiredObjects() over arbitrary valid specs and feed names (fast-check):
// Guaranteed QoS with whole CPUs in every container, the Memory volume at /dev/shm in every
// container of the feed pod, valid names and labels within Kubernetes' limits, and
// selectors that select exactly one feed's pods, never another feed's in the namespace.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { LAST_FEED_POD_METRICS_PORT, MAX_SHM_CONSUMERS, PUBLISHER_METRICS_PORT, validateSpec, type MarketFeedSpecInput } from '../../cdk8s/api/marketfeed-types.ts';
import { desiredObjects, feedObjectNames } from '../../cdk8s/feed/desired-objects.ts';
import { validateKubernetesObject } from './helpers/kubernetes-models.ts';
import {
  deploymentNamed,
  isDns1035Label,
  isDnsLabel,
  isLabelKey,
  isLabelValue,
  isPortName,
  marketFeed,
  selects,
  type DeploymentObject,
} from './helpers/feed-objects.ts';

const dnsLabel = (maxLength: number) =>
  fc.stringMatching(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).filter((label) => label.length <= maxLength);

/** MarketFeed names: DNS subdomains, mostly short, sometimes up to the 253-character limit. */
const feedName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: dnsLabel(63) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(dnsLabel(63), fc.integer({ min: 1, max: 63 }).map((length) => 'q'.repeat(length))), { minLength: 1, maxLength: 5 })
      .map((labels) => labels.join('.'))
      .filter((name) => name.length <= 253),
  },
);

const symbol = fc.stringMatching(/^[A-Z][A-Z0-9.]{0,11}$/);
const powerOfTwo = fc.integer({ min: 1, max: 26 }).map((exponent) => 2 ** exponent);

/** Specs that are valid by construction (checked again by validateSpec in each property). */
const validSpec: fc.Arbitrary<MarketFeedSpecInput> = fc
  .record({
    instruments: fc.oneof(
      fc.record({ count: fc.integer({ min: 1, max: 1_000_000 }) }),
      fc.record({ symbols: fc.uniqueArray(symbol, { minLength: 1, maxLength: 8 }) }),
    ),
    rate: fc.integer({ min: 0, max: 100_000_000 }),
    ringCapacity: powerOfTwo,
    shmSlackMi: fc.integer({ min: 0, max: 512 }),
    memorySlackMi: fc.integer({ min: 32, max: 4096 }),
    port: fc.integer({ min: 1, max: 65_535 }).filter((port) => port < PUBLISHER_METRICS_PORT || port > LAST_FEED_POD_METRICS_PORT),
    encodings: fc.constantFrom<('binary' | 'json')[]>(['binary'], ['json'], ['binary', 'json'], ['json', 'binary']),
    consumers: fc.oneof(
      fc.constant({}),
      fc.record({ shmConsumerCount: fc.integer({ min: 0, max: MAX_SHM_CONSUMERS }) }),
      fc.record({ shmConsumers: fc.uniqueArray(dnsLabel(40), { maxLength: MAX_SHM_CONSUMERS }).map((names) => names.map((name) => ({ name }))) }),
    ),
    replicas: fc.integer({ min: 0, max: 50 }),
    cpus: fc.oneof(
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 1, max: 64 }).map(String),
      fc.integer({ min: 1, max: 64 }).map((cpus) => `${cpus * 1000}m`),
    ),
    imagePullPolicy: fc.constantFrom('Always' as const, 'IfNotPresent' as const, 'Never' as const),
    nodeSelector: fc.option(fc.dictionary(fc.constantFrom('kubernetes.io/arch', 'node.example.com/isolated-cores', 'zone'), dnsLabel(20)), { nil: undefined }),
    podAnnotations: fc.option(fc.dictionary(fc.constantFrom('example.com/a', 'b'), fc.string({ maxLength: 20 })), { nil: undefined }),
    paused: fc.boolean(),
  })
  .chain((draw) =>
    fc.constantFrom(...draw.encodings).map((encoding): MarketFeedSpecInput => {
      const shmSizeMi = Math.ceil((draw.ringCapacity * 64 + 65_536) / 1_048_576) + draw.shmSlackMi;
      return {
        instruments: draw.instruments,
        rate: draw.rate,
        ringCapacity: draw.ringCapacity,
        shmSizeMi: Math.min(shmSizeMi, 65_536),
        tcp: { port: draw.port, encodings: draw.encodings },
        ...draw.consumers,
        tcpConsumers: { replicas: draw.replicas, encoding },
        resources: { cpus: draw.cpus, memoryMi: Math.min(shmSizeMi, 65_536) + draw.memorySlackMi },
        imagePullPolicy: draw.imagePullPolicy,
        ...(draw.nodeSelector === undefined ? {} : { nodeSelector: draw.nodeSelector }),
        ...(draw.podAnnotations === undefined ? {} : { podAnnotations: draw.podAnnotations }),
        paused: draw.paused,
      };
    }),
  );

function deployments(objects: KubeObject[], name: string): { feed: DeploymentObject; tcp: DeploymentObject } {
  const names = feedObjectNames(name);
  return { feed: deploymentNamed(objects, names.feedDeployment), tcp: deploymentNamed(objects, names.tcpConsumers) };
}

function labelsOf(object: KubeObject): Record<string, string>[] {
  const template = (object as Partial<DeploymentObject>).spec?.template?.metadata.labels;
  return [object.metadata.labels ?? {}, ...(template === undefined ? [] : [template])];
}

describe('desiredObjects, for any valid spec', () => {
  it('the generator makes only valid specs', () => {
    fc.assert(
      fc.property(validSpec, (spec) => {
        expect(validateSpec(spec)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('every container is Guaranteed QoS with requests = limits and whole CPUs', () => {
    fc.assert(
      fc.property(feedName, validSpec, (name, spec) => {
        const { feed, tcp } = deployments(desiredObjects(marketFeed(name, spec)), name);
        for (const deployment of [feed, tcp]) {
          const pod = deployment.spec.template.spec;
          expect(pod.initContainers).toBeUndefined();
          for (const container of pod.containers) {
            const { requests, limits } = container.resources ?? {};
            expect(requests).toEqual(limits);
            expect(Object.keys(requests ?? {}).sort()).toEqual(['cpu', 'memory']);
            expect(requests?.cpu).toMatch(/^[1-9][0-9]*$/);
            expect(requests?.memory).toMatch(/^[1-9][0-9]*Mi$/);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('every container of the feed pod mounts the Memory emptyDir at /dev/shm, sized by the spec', () => {
    fc.assert(
      fc.property(feedName, validSpec, (name, spec) => {
        const { feed } = deployments(desiredObjects(marketFeed(name, spec)), name);
        const pod = feed.spec.template.spec;
        expect(pod.volumes).toEqual([{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: `${spec.shmSizeMi}Mi` } }]);
        for (const container of pod.containers) {
          expect(container.volumeMounts).toContainEqual({ name: 'shm', mountPath: '/dev/shm' });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('all names, label keys and values, container and port names are valid and within limits', () => {
    fc.assert(
      fc.property(feedName, validSpec, (name, spec) => {
        const objects = desiredObjects(marketFeed(name, spec));
        for (const object of objects) {
          const objectName = object.metadata.name;
          expect(object.kind === 'Service' ? isDns1035Label(objectName) : isDnsLabel(objectName), `${object.kind} ${objectName}`).toBe(true);
          for (const labels of labelsOf(object)) {
            for (const [key, value] of Object.entries(labels)) {
              expect(isLabelKey(key), key).toBe(true);
              expect(isLabelValue(value), value).toBe(true);
            }
          }
        }
        for (const deployment of Object.values(deployments(objects, name))) {
          const containers = deployment.spec.template.spec.containers;
          expect(new Set(containers.map((container) => container.name)).size).toBe(containers.length);
          const ports = containers.flatMap((container) => container.ports ?? []);
          expect(new Set(ports.map((port) => port.containerPort)).size).toBe(ports.length);
          for (const container of containers) expect(isDnsLabel(container.name), container.name).toBe(true);
          for (const port of ports) expect(isPortName(port.name ?? ''), port.name).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("selectors select exactly the feed's own pods, never another feed's in the namespace", () => {
    const twoFeeds = fc.tuple(feedName, feedName).filter(([a, b]) => a !== b);
    fc.assert(
      fc.property(twoFeeds, validSpec, validSpec, ([nameA, nameB], specA, specB) => {
        const objectsA = desiredObjects(marketFeed(nameA, specA));
        const a = deployments(objectsA, nameA);
        const b = deployments(desiredObjects(marketFeed(nameB, specB)), nameB);
        const podsA = { feed: a.feed.spec.template.metadata.labels, tcp: a.tcp.spec.template.metadata.labels };
        const podsB = { feed: b.feed.spec.template.metadata.labels, tcp: b.tcp.spec.template.metadata.labels };
        expect(a.feed.spec.selector.matchExpressions).toBeUndefined();
        expect(selects(a.feed.spec.selector.matchLabels, podsA.feed)).toBe(true);
        expect(selects(a.feed.spec.selector.matchLabels, podsA.tcp)).toBe(false);
        expect(selects(a.feed.spec.selector.matchLabels, podsB.feed)).toBe(false);
        expect(selects(a.feed.spec.selector.matchLabels, podsB.tcp)).toBe(false);
        expect(selects(a.tcp.spec.selector.matchLabels, podsA.tcp)).toBe(true);
        expect(selects(a.tcp.spec.selector.matchLabels, podsA.feed)).toBe(false);
        expect(selects(a.tcp.spec.selector.matchLabels, podsB.tcp)).toBe(false);
        const service = objectsA.find((object) => object.kind === 'Service') as unknown as { spec: { selector: Record<string, string> } };
        expect(selects(service.spec.selector, podsA.feed)).toBe(true);
        expect([podsA.tcp, podsB.feed, podsB.tcp].some((labels) => selects(service.spec.selector, labels))).toBe(false);
        const policy = objectsA.find((object) => object.kind === 'NetworkPolicy') as unknown as {
          spec: { podSelector: { matchLabels: Record<string, string> }; ingress: { from?: { podSelector: { matchLabels: Record<string, string> } }[] }[] };
        };
        expect(selects(policy.spec.podSelector.matchLabels, podsA.feed)).toBe(true);
        expect(selects(policy.spec.podSelector.matchLabels, podsB.feed)).toBe(false);
        const admitted = (labels: Record<string, string>) => policy.spec.ingress[0]?.from?.some((peer) => selects(peer.podSelector.matchLabels, labels));
        expect(admitted(podsA.tcp)).toBe(true);
        expect(admitted(podsB.tcp)).toBe(false);
        expect(admitted(podsB.feed)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('every object validates against the Kubernetes 1.34 schemas; paused scales to zero', () => {
    fc.assert(
      fc.property(feedName, validSpec, (name, spec) => {
        const objects = desiredObjects(marketFeed(name, spec));
        for (const object of objects) validateKubernetesObject(object);
        const { feed, tcp } = deployments(objects, name);
        expect(feed.spec.replicas).toBe(spec.paused === true ? 0 : 1);
        expect(tcp.spec.replicas).toBe(spec.paused === true ? 0 : spec.tcpConsumers?.replicas);
      }),
      { numRuns: 60 },
    );
  });
});
