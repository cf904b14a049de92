// serverNormalForm: the desired objects as the API server will store them. Checked against
// the test API server's own model of the server (test/kube: Go round trip from the Go type
// declarations, defaults), which is written independently of the operator's table: for any
// generated object, the normal form is covered by what the server stores, applying the
// normal form stores the same as applying the original, and normalising twice changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { desiredObjects, OWNED_KINDS } from '../../cdk8s/feed/desired-objects.ts';
import { covers } from '../../operator/reconcile/drift.ts';
import { knowsKind, serverNormalForm } from '../../operator/reconcile/server-normal-form.ts';
import { Defaulter } from '../kube/defaulting.ts';
import { builtinResourceTypes } from '../kube/resource-registry.ts';
import { StoredForm } from '../kube/stored-form.ts';

const TYPES = builtinResourceTypes();

/** What the test API server stores for `object` written as it is (a fresh Defaulter: the same Service IP every time). */
function serverStore(object: KubeObject): KubeObject {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const type = TYPES.find((candidate) => candidate.group === group && candidate.version === version && candidate.kind === object.kind);
  if (type === undefined) throw new Error(`no resource type for ${object.apiVersion} ${object.kind}`);
  const copy = structuredClone(object);
  new StoredForm(new Defaulter(), true).apply(type, copy);
  return copy;
}

/**
 * Whether server-side apply's merge of `applied` into `live` gives `live` back: every field of
 * `applied` is in `live` with exactly the same value (no tolerance for empty vs absent, nor
 * for quantities by value: the real field manager compares the merge result as it is).
 */
function mergeChangesNothing(applied: unknown, live: unknown): boolean {
  if (Array.isArray(applied)) return Array.isArray(live) && applied.length === live.length && applied.every((item, index) => mergeChangesNothing(item, live[index]));
  if (typeof applied === 'object' && applied !== null) {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return false;
    return Object.entries(applied).every(([key, value]) => Object.hasOwn(live, key) && mergeChangesNothing(value, (live as Record<string, unknown>)[key]));
  }
  return applied === live;
}

const feed = (spec: Record<string, unknown>): KubeObject[] =>
  desiredObjects({ apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed', metadata: { name: 'f', namespace: 'ns', uid: 'u', generation: 1 }, spec: spec as never });

describe('serverNormalForm', () => {
  it('drops zero values of non-pointer fields and keeps those of pointer fields', () => {
    const deployment = serverNormalForm({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { empty: '' }, annotations: {} },
      spec: {
        replicas: 0,
        minReadySeconds: 0,
        paused: false,
        selector: { matchLabels: { app: 'd' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: {
            hostNetwork: false,
            setHostnameAsFQDN: false,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 0,
            tolerations: [],
            securityContext: {},
            containers: [{ name: 'c', image: 'i:1', args: [], env: [{ name: 'E', value: '' }], resources: {}, securityContext: { privileged: false, runAsUser: 0 } }],
            volumes: [{ name: 'v', emptyDir: {} }],
          },
        },
      },
    });
    expect(deployment).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { empty: '' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'd' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: {
            setHostnameAsFQDN: false,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 0,
            securityContext: {},
            containers: [{ name: 'c', image: 'i:1', env: [{ name: 'E' }], securityContext: { privileged: false, runAsUser: 0 } }],
            volumes: [{ name: 'v', emptyDir: {} }],
          },
        },
      },
    });
  });

  it('canonicalises quantities; keeps empty selectors of NetworkPolicy peers, empty rules and empty map values', () => {
    const pod = serverNormalForm({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1000m', memory: '2048Mi' }, requests: { cpu: 0.5 } } }], volumes: [{ name: 'v', emptyDir: { sizeLimit: '1024Mi' } }] } });
    expect(pod.spec).toEqual({ containers: [{ name: 'c', resources: { limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '500m' } } }], volumes: [{ name: 'v', emptyDir: { sizeLimit: '1Gi' } }] });
    const policy = serverNormalForm({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 0 }] }, {}], egress: [] } });
    expect(policy.spec).toEqual({ ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 0 }] }, {}] });
    const configMap = serverNormalForm({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, immutable: false, data: { EMPTY: '' }, binaryData: {} });
    expect(configMap).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, immutable: false, data: { EMPTY: '' } });
    const service = serverNormalForm({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { externalIPs: [], clusterIP: '', ports: [{ port: 80, nodePort: 0, targetPort: 0 }] } });
    expect(service.spec).toEqual({ ports: [{ port: 80 }] });
  });

  it('knows every kind the operator owns; leaves other kinds alone', () => {
    for (const kind of OWNED_KINDS) expect(knowsKind(kind.apiVersion, kind.kind), kind.kind).toBe(true);
    expect(knowsKind('apps/v1', 'DaemonSet')).toBe(true);
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { zero: 0 } };
    expect(serverNormalForm(widget)).toBe(widget);
  });

  it("the feed's desired objects: the server stores exactly what the normal form says, plus defaults", () => {
    const specs = [{}, { paused: true }, { resources: { memoryMi: 2048, cpus: 2 }, shmSizeMi: 1024, shmConsumers: [{ name: 'a' }, { name: 'b' }], tcpConsumers: { replicas: 0 } }];
    for (const spec of specs) {
      for (const object of feed(spec)) {
        const normal = serverNormalForm(object);
        const stored = serverStore(object);
        expect(covers(normal, stored), `${object.kind} ${JSON.stringify(spec)}`).toBe(true);
        expect(serverStore(normal)).toEqual(stored);
        expect(mergeChangesNothing(normal, stored)).toBe(true);
        // Nothing the server would drop is left to apply.
        expect(JSON.stringify(normal)).not.toMatch(/"(minReadySeconds|hostNetwork|externalIPs)"/);
      }
    }
  });
});

// Generated objects of every owned kind, with zero values, empty lists and maps and
// quantities in many forms wherever the Go types allow them.
const int = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 }));
const port = fc.integer({ min: 1, max: 65535 });
const text = fc.constantFrom('', 'a', 'b');
const name = fc.constantFrom('a', 'b');
const quantity = fc.constantFrom<string | number>('0', '1', '1000m', '500m', '1024Mi', '2048Mi', '1536Mi', '1Gi', 0.5, 2, '1e3', '1000', '0.5Gi', '100M');
const stringMap = fc.dictionary(fc.constantFrom('a', 'b', 'c'), text, { maxKeys: 2 });
const list = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(arb, { maxLength: 2 });
const optional = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) => fc.record(fields, { requiredKeys: [] });
const labelSelector = optional({ matchLabels: stringMap, matchExpressions: list(fc.record({ key: name, operator: fc.constant('In'), values: list(name) })) });

const probe = optional({
  httpGet: fc.record({ port, path: text, httpHeaders: list(optional({ name, value: text })) }),
  initialDelaySeconds: int,
  periodSeconds: int,
  timeoutSeconds: int,
  failureThreshold: int,
  successThreshold: fc.constant(1),
});
const container = fc.record({
  name,
  image: fc.constantFrom('img:1', 'img'),
  args: list(text),
  ports: list(fc.record({ containerPort: port, hostPort: fc.constant(0), name: fc.constantFrom('', 'metrics') })),
  env: list(fc.oneof(fc.record({ name, value: text }), fc.record({ name, valueFrom: fc.record({ fieldRef: fc.record({ fieldPath: fc.constant('metadata.name') }) }) }))),
  envFrom: list(fc.record({ configMapRef: optional({ name, optional: fc.boolean() }) })),
  resources: optional({ limits: fc.dictionary(fc.constantFrom('cpu', 'memory'), quantity, { maxKeys: 2 }), requests: fc.dictionary(fc.constantFrom('cpu', 'memory'), quantity, { maxKeys: 2 }) }),
  securityContext: optional({ privileged: fc.boolean(), runAsUser: int, runAsNonRoot: fc.boolean(), readOnlyRootFilesystem: fc.boolean(), capabilities: optional({ drop: list(fc.constant('ALL')) }) }),
  volumeMounts: list(fc.record({ name, mountPath: fc.constant('/m'), readOnly: fc.boolean(), subPath: text })),
  livenessProbe: probe,
  readinessProbe: probe,
  stdin: fc.boolean(),
});
const podSpec = fc.record({
  containers: fc.array(container, { minLength: 1, maxLength: 2 }),
  hostNetwork: fc.boolean(),
  automountServiceAccountToken: fc.boolean(),
  setHostnameAsFQDN: fc.boolean(),
  terminationGracePeriodSeconds: int,
  serviceAccountName: text,
  nodeSelector: stringMap,
  tolerations: list(optional({ key: text, operator: fc.constant('Exists'), value: text, effect: text, tolerationSeconds: int })),
  securityContext: optional({ runAsUser: int, fsGroup: int, runAsNonRoot: fc.boolean(), supplementalGroups: list(int), seccompProfile: fc.record({ type: fc.constant('RuntimeDefault') }) }),
  volumes: list(
    fc.oneof(
      fc.record({ name, emptyDir: optional({ medium: fc.constantFrom('', 'Memory'), sizeLimit: quantity }) }),
      fc.record({ name, configMap: optional({ name, defaultMode: int, optional: fc.boolean(), items: list(fc.record({ key: name, path: name })) }) }),
    ),
  ),
});
const template = fc.record({ metadata: optional({ labels: stringMap, annotations: stringMap }), spec: podSpec });
const metadata = fc.record({ name: fc.constant('o'), namespace: fc.constant('ns'), labels: stringMap, annotations: stringMap });
const intOrPercent = fc.constantFrom<number | string>(0, 1, '25%');

const deploymentArb = fc.record({
  apiVersion: fc.constant('apps/v1'),
  kind: fc.constant('Deployment'),
  metadata,
  spec: optional({
    replicas: int,
    minReadySeconds: int,
    paused: fc.boolean(),
    revisionHistoryLimit: int,
    progressDeadlineSeconds: fc.integer({ min: 1, max: 600 }),
    selector: labelSelector,
    strategy: fc.oneof(fc.constant({ type: 'Recreate' }), fc.record({ type: fc.constant('RollingUpdate'), rollingUpdate: optional({ maxSurge: intOrPercent, maxUnavailable: intOrPercent }) })),
    template,
  }),
});
const daemonSetArb = fc.record({
  apiVersion: fc.constant('apps/v1'),
  kind: fc.constant('DaemonSet'),
  metadata,
  spec: optional({ minReadySeconds: int, revisionHistoryLimit: int, selector: labelSelector, updateStrategy: optional({ type: fc.constant('RollingUpdate'), rollingUpdate: optional({ maxSurge: intOrPercent, maxUnavailable: intOrPercent }) }), template }),
});
const serviceArb = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Service'),
  metadata,
  spec: optional({
    ports: list(optional({ name: text, port, targetPort: fc.oneof(fc.constant(0), port, fc.constant('metrics')), nodePort: fc.constant(0), protocol: fc.constant('TCP') })),
    selector: stringMap,
    externalIPs: list(fc.constant('10.0.0.1')),
    clusterIP: fc.constant(''),
    type: fc.constantFrom('', 'ClusterIP'),
    sessionAffinity: fc.constantFrom('', 'None'),
    publishNotReadyAddresses: fc.boolean(),
  }),
});
const configMapArb = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('ConfigMap'), metadata, immutable: fc.boolean(), data: stringMap, binaryData: fc.constant({}) }, { requiredKeys: ['apiVersion', 'kind', 'metadata'] });
const peer = optional({ podSelector: labelSelector, namespaceSelector: labelSelector });
const networkPolicyPort = optional({ protocol: fc.constant('TCP'), port: fc.oneof(fc.constant(0), port, fc.constant('metrics')), endPort: int });
const networkPolicyArb = fc.record({
  apiVersion: fc.constant('networking.k8s.io/v1'),
  kind: fc.constant('NetworkPolicy'),
  metadata,
  spec: optional({ podSelector: labelSelector, ingress: list(optional({ from: list(peer), ports: list(networkPolicyPort) })), egress: list(optional({ to: list(peer), ports: list(networkPolicyPort) })), policyTypes: list(fc.constant('Ingress')) }),
});
const desiredArb = fc.oneof(deploymentArb, daemonSetArb, serviceArb, configMapArb, networkPolicyArb) as fc.Arbitrary<KubeObject>;

describe('serverNormalForm against the test API server', () => {
  it('normalising twice changes nothing', () => {
    fc.assert(
      fc.property(desiredArb, (desired) => {
        const once = serverNormalForm(desired);
        expect(serverNormalForm(once)).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it('what the server stores covers the normal form, and applying the normal form stores the same', () => {
    fc.assert(
      fc.property(desiredArb, (desired) => {
        const normal = serverNormalForm(desired);
        const stored = serverStore(desired);
        expect(covers(normal, stored)).toBe(true);
        expect(serverStore(normal)).toEqual(stored);
        // Merging the normal form into what is stored changes nothing (so a re-apply is no write, #121404).
        expect(mergeChangesNothing(normal, stored)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
