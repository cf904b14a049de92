// spec.relays: a relay DaemonSet in the feed's objects (absent without it), whose pods run
// `marketfeed relay` against the feed's Service into the node's /dev/shm; its args parse with
// the real CLI's options; the NetworkPolicy admits it to the feed port; the CRD bounds it.
import { describe, expect, it } from 'vitest';
import { marketFeedCrd } from '../../cdk8s/api/marketfeed-crd.ts';
import { withDefaults, type MarketFeedSpecInput } from '../../cdk8s/api/marketfeed-types.ts';
import { desiredObjects, InvalidSpecError, OWNED_KINDS } from '../../cdk8s/feed/desired-objects.ts';
import { relaySegmentName } from '../../cdk8s/feed/feed-names.ts';
import { operatorClusterRules } from '../../cdk8s/install/operator-install.ts';
import { relayCommand } from '../../runtime/cli/commands/relay.ts';
import { parseOptions } from '../../runtime/cli/options.ts';
import { validateKubernetesObject } from './helpers/kubernetes-models.ts';
import { marketFeed, objectsOfKind } from './helpers/feed-objects.ts';

interface PodSpec {
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  volumes: Array<{ name: string; hostPath?: { path: string; type: string } }>;
  containers: Array<{ name: string; args: string[]; resources: unknown; volumeMounts: unknown[]; env: Array<{ name: string; valueFrom?: unknown }>; securityContext: Record<string, unknown> }>;
  securityContext: Record<string, unknown>;
}
interface DaemonSet {
  metadata: { name: string; labels: Record<string, string> };
  spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

const RELAYS: MarketFeedSpecInput = {
  ringCapacity: 1 << 18,
  shmSizeMi: 17,
  relays: {
    nodeSelector: { 'node.example.com/trading': 'true' },
    tolerations: [{ key: 'node.example.com/trading', operator: 'Exists', effect: 'NoSchedule' }],
    resources: { cpus: 2, memoryMi: 512 },
  },
};

function relayDaemonSet(spec: MarketFeedSpecInput): DaemonSet {
  const sets = objectsOfKind(desiredObjects(marketFeed('quotes', spec)), 'DaemonSet');
  expect(sets).toHaveLength(1);
  return sets[0] as unknown as DaemonSet;
}

describe('spec.relays', () => {
  it('without relays there is no DaemonSet', () => {
    expect(objectsOfKind(desiredObjects(marketFeed('quotes', {})), 'DaemonSet')).toEqual([]);
  });

  it('gives a relay DaemonSet that validates against the Kubernetes schema, owned like every feed object', () => {
    const objects = desiredObjects(marketFeed('quotes', RELAYS));
    const daemonSet = objects.at(-1)!;
    expect(`${daemonSet.kind}/${daemonSet.metadata.name}`).toBe('DaemonSet/quotes-relay');
    expect(() => validateKubernetesObject(daemonSet)).not.toThrow();
    expect(OWNED_KINDS.some((kind) => kind.apiVersion === 'apps/v1' && kind.kind === 'DaemonSet')).toBe(true);
    // The operator may watch, apply and delete DaemonSets.
    const apps = operatorClusterRules().find((rule) => rule.apiGroups.includes('apps'));
    expect(apps?.resources).toContain('daemonsets');
    expect(apps?.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'patch', 'delete']));
  });

  it("runs `marketfeed relay` from the feed's Service into the node's /dev/shm, args the real CLI accepts", () => {
    const pod = relayDaemonSet(RELAYS).spec.template.spec;
    const [relay] = pod.containers;
    expect(relay.args.slice(0, 1)).toEqual(['relay']);
    const options = parseOptions('marketfeed relay', relayCommand.options, relay.args.slice(1), {});
    expect(options).toMatchObject({
      from: 'quotes-feed.trading.svc:9000',
      feed: relaySegmentName('quotes', 'trading'),
      shmDir: '/dev/shm',
      capacity: 1 << 18,
      groupAccess: true,
      metricsPort: 9100,
    });
    expect(options.feed).toBe('trading.quotes');
    expect(pod.volumes).toEqual([{ name: 'node-shm', hostPath: { path: '/dev/shm', type: 'Directory' } }]);
    expect(relay.volumeMounts).toEqual([{ name: 'node-shm', mountPath: '/dev/shm' }]);
    expect(relay.env).toContainEqual({ name: 'MARKETFEED_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(relay.resources).toEqual({ limits: { cpu: '2', memory: '512Mi' }, requests: { cpu: '2', memory: '512Mi' } });
    expect(relay.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext).toMatchObject({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('puts relays on the selected nodes, with the tolerations given, and only the spec\'s defaults otherwise', () => {
    const pod = relayDaemonSet(RELAYS).spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'node.example.com/trading': 'true' });
    expect(pod.tolerations).toEqual([{ key: 'node.example.com/trading', operator: 'Exists', effect: 'NoSchedule' }]);
    const plain = relayDaemonSet({ relays: {} }).spec.template.spec;
    expect(plain.nodeSelector).toBeUndefined();
    expect(plain.tolerations).toBeUndefined();
    expect(plain.containers[0].resources).toEqual({ limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: '1', memory: '256Mi' } });
    expect(withDefaults({ relays: {} }).relays).toEqual({ resources: { cpus: 1, memoryMi: 256 } });
  });

  it('selects only its own pods, and the NetworkPolicy admits them to the feed port', () => {
    const objects = desiredObjects(marketFeed('quotes', RELAYS));
    const daemonSet = relayDaemonSet(RELAYS);
    const podLabels = daemonSet.spec.template.metadata.labels;
    expect(daemonSet.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'marketfeed', 'app.kubernetes.io/instance': 'quotes', 'app.kubernetes.io/component': 'relay' });
    expect(Object.keys(podLabels).some((key) => key.startsWith('cdk8s.io'))).toBe(false);
    const [policy] = objectsOfKind(objects, 'NetworkPolicy') as unknown as Array<{ spec: { ingress: Array<{ from?: Array<{ podSelector: { matchLabels: Record<string, string> } }>; ports: Array<{ port: number }> }> } }>;
    const feedPort = policy.spec.ingress.find((rule) => rule.ports.some((port) => port.port === 9000))!;
    const admitted = feedPort.from!.some((peer) => Object.entries(peer.podSelector.matchLabels).every(([key, value]) => podLabels[key] === value));
    expect(admitted).toBe(true);
  });

  it("refuses relays whose memory cannot hold the ring (a clear spec problem, reported as Degraded)", () => {
    expect(() => desiredObjects(marketFeed('quotes', { ringCapacity: 1 << 22, shmSizeMi: 300, resources: { memoryMi: 512 }, relays: { resources: { memoryMi: 64 } } }))).toThrow(InvalidSpecError);
    try {
      desiredObjects(marketFeed('quotes', { ringCapacity: 1 << 22, shmSizeMi: 300, resources: { memoryMi: 512 }, relays: { resources: { memoryMi: 64 } } }));
    } catch (error) {
      expect((error as InvalidSpecError).problems).toEqual([
        "spec.relays.resources.memoryMi: 64 is too small: the relay's ring (ringCapacity 4194304) is charged to it; at least 289",
      ]);
    }
  });

  it('is bounded in the CRD: every map, list and string has a maximum', () => {
    const crd = marketFeedCrd() as unknown as { spec: { versions: Array<{ schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, Record<string, unknown>> } } } } }> } };
    const relays = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.relays as {
      type: string;
      properties: Record<string, Record<string, unknown> & { additionalProperties?: Record<string, unknown>; items?: { properties: Record<string, Record<string, unknown>> } }>;
    };
    expect(relays.type).toBe('object');
    expect(relays.properties.nodeSelector).toMatchObject({ type: 'object', maxProperties: 32, additionalProperties: { type: 'string', maxLength: 63 } });
    expect(relays.properties.tolerations).toMatchObject({ type: 'array', maxItems: 32 });
    for (const [field, schema] of Object.entries(relays.properties.tolerations.items!.properties)) {
      if (schema.type === 'string' && schema.enum === undefined) expect(schema.maxLength, field).toBeTypeOf('number');
    }
    expect(relays.properties.resources).toMatchObject({ type: 'object', properties: { cpus: { type: 'integer', maximum: 64 }, memoryMi: { type: 'integer' } } });
  });
});
