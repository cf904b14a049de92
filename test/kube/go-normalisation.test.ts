// The test API server stores built-in objects as a real one does: what survives decoding into
// the Go structs and encoding back (omitempty zero values dropped, pointer zeros kept,
// quantities canonical), defaults included; and an apply that carries a field the server
// drops really writes whenever a new second has begun (kubernetes/kubernetes#121404), with
// a new resourceVersion, a watch event and a new managedFields time.
import { KubernetesObjectApi, PatchStrategy, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalQuantity } from '../../cdk8s/api/quantity.ts';
import { GO_TYPES } from './go-types.ts';
import { startTestApiServer, type KubeObject, type TestApiServer } from './test-api-server.ts';

const MANAGER = 'marketfeed-operator';
let server: TestApiServer;

beforeEach(async () => {
  server = await startTestApiServer();
});

afterEach(async () => {
  await server.close();
});

/** Resolves just after the wall clock enters a new second (managedFields times have one-second resolution). */
async function nextSecond(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === second) await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}

/** client-node takes its own object type; ours differs only in how it types timestamps. */
function asClientObject(object: KubeObject): KubernetesObject {
  return object as unknown as KubernetesObject;
}

/** The value at a dotted path; numeric parts index lists. */
function at(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'default', labels: { app: 'd' }, annotations: {} },
    spec: {
      replicas: 0,
      minReadySeconds: 0,
      paused: false,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'd' }, matchExpressions: [] },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: {
          hostNetwork: false,
          setHostnameAsFQDN: false,
          automountServiceAccountToken: false,
          serviceAccountName: '',
          nodeSelector: {},
          tolerations: [],
          securityContext: { runAsNonRoot: true, runAsUser: 0, supplementalGroups: [] },
          containers: [
            {
              name: 'c',
              image: 'img:1.0',
              args: [],
              env: [{ name: 'EMPTY', value: '' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              ports: [{ name: 'metrics', containerPort: 9100, hostPort: 0 }],
              resources: { limits: { cpu: '1000m', memory: '1024Mi' }, requests: { cpu: 2, memory: '0.5Gi' } },
              securityContext: { privileged: false, readOnlyRootFilesystem: true },
              readinessProbe: { httpGet: { port: 9100, path: '', httpHeaders: [{ name: 'X-Probe' }] }, initialDelaySeconds: 0, periodSeconds: 5 },
              stdin: false,
            },
          ],
          volumes: [{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '1024Mi' } }, { name: 'cfg', configMap: { name: 'c' } }],
        },
      },
    },
  };
}

describe('stored form of built-in objects', () => {
  it('drops omitempty zero values, keeps pointer zeros, canonicalises quantities, fills defaults', async () => {
    const objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    const stored = (await objects.create(asClientObject(deployment()))) as unknown as KubeObject;
    const spec = at(stored, 'spec');
    const pod = at(spec, 'template.spec');
    const container = at(pod, 'containers.0');
    // Non-pointer omitempty zeros and empty lists/maps: gone.
    expect(spec).not.toHaveProperty('minReadySeconds');
    expect(spec).not.toHaveProperty('paused');
    expect(at(spec, 'selector')).toEqual({ matchLabels: { app: 'd' } });
    expect(stored.metadata).not.toHaveProperty('annotations');
    for (const field of ['hostNetwork', 'serviceAccountName', 'nodeSelector', 'tolerations']) expect(pod).not.toHaveProperty(field);
    expect(at(pod, 'securityContext')).toEqual({ runAsNonRoot: true, runAsUser: 0 });
    expect(container).not.toHaveProperty('args');
    expect(container).not.toHaveProperty('stdin');
    expect(at(container, 'env.0')).toEqual({ name: 'EMPTY' });
    expect(at(container, 'ports.0')).toEqual({ name: 'metrics', containerPort: 9100, protocol: 'TCP' });
    // An absent non-omitempty field comes back as its zero value (`value: ""`).
    expect(at(container, 'readinessProbe')).toEqual({ httpGet: { port: 9100, path: '/', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: '' }] }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
    // Pointer zeros: kept.
    expect(at(spec, 'replicas')).toBe(0);
    expect(at(spec, 'strategy')).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    expect(at(pod, 'setHostnameAsFQDN')).toBe(false);
    expect(at(pod, 'automountServiceAccountToken')).toBe(false);
    expect(at(container, 'securityContext')).toEqual({ privileged: false, readOnlyRootFilesystem: true });
    // Quantities in canonical form.
    expect(at(container, 'resources')).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '2', memory: '512Mi' } });
    expect(at(pod, 'volumes.0.emptyDir')).toEqual({ medium: 'Memory', sizeLimit: '1Gi' });
    // Defaults of the pod template.
    expect(at(container, 'env.1.valueFrom.fieldRef')).toEqual({ apiVersion: 'v1', fieldPath: 'metadata.name' });
    expect(at(pod, 'volumes.1.configMap')).toEqual({ name: 'c', defaultMode: 420 });
  });

  it('Service, ConfigMap, NetworkPolicy and DaemonSet: the same rules, and their defaults', async () => {
    const objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    const service = (await objects.create(asClientObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { externalIPs: [], clusterIP: '', ports: [{ port: 80, nodePort: 0, targetPort: 0 }], publishNotReadyAddresses: false } }))) as unknown as KubeObject;
    expect(service.spec).not.toHaveProperty('externalIPs');
    expect(service.spec).not.toHaveProperty('publishNotReadyAddresses');
    // targetPort 0 is unset to the defaulting: it becomes the port.
    expect(at(service, 'spec.ports')).toEqual([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    expect(at(service, 'spec.clusterIP')).toMatch(/^10\.96\./);

    const configMap = (await objects.create(asClientObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, immutable: false, data: { empty: '' }, binaryData: {} }))) as unknown as KubeObject;
    expect(configMap.immutable).toBe(false);
    expect(configMap.data).toEqual({ empty: '' });
    expect(configMap).not.toHaveProperty('binaryData');

    // client-node's typed serialiser knows `from` only as `_from`: stored directly (the same stored-form path).
    const policy = server.store.put({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'n', namespace: 'default' },
      spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 0, endPort: 0 }] }, {}], egress: [] },
    });
    // An empty pointer selector means "every pod": it stays; so do empty list elements.
    expect(policy.spec).toEqual({ podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 0, endPort: 0, protocol: 'TCP' }] }, {}], policyTypes: ['Ingress'] });

    const daemonSet = (await objects.create(asClientObject({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'r', namespace: 'default' },
      spec: { minReadySeconds: 0, selector: { matchLabels: { app: 'r' } }, template: { metadata: { labels: { app: 'r' } }, spec: { hostNetwork: false, containers: [{ name: 'r', image: 'img:1', resources: { limits: { memory: '2048Mi' } } }] } } },
    }))) as unknown as KubeObject;
    expect(daemonSet.spec).not.toHaveProperty('minReadySeconds');
    expect(at(daemonSet, 'spec.updateStrategy')).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(at(daemonSet, 'spec.revisionHistoryLimit')).toBe(10);
    expect(at(daemonSet, 'spec.template.spec')).not.toHaveProperty('hostNetwork');
    expect(at(daemonSet, 'spec.template.spec.containers.0.resources')).toEqual({ limits: { memory: '2Gi' } });
  });

  it('an apply that carries a field the server drops writes once a new second has begun; one without such fields does not', async () => {
    const objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    const apply = async (object: KubeObject): Promise<KubeObject> => (await objects.patch(asClientObject(structuredClone(object)), undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    const first = await apply(deployment());
    const events: string[] = [];
    const watch = await new Watch(server.kubeConfig()).watch('/apis/apps/v1/namespaces/default/deployments', { resourceVersion: first.metadata.resourceVersion }, (type) => events.push(type), () => undefined);
    await nextSecond();
    const second = await apply(deployment());
    expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect(second.metadata.managedFields?.[0].time).not.toBe(first.metadata.managedFields?.[0].time);
    expect(second.spec).toEqual(first.spec);
    expect(server.requests.writes({ verb: 'apply' })).toHaveLength(2);
    await expect.poll(() => events).toEqual(['MODIFIED']);

    // What the server stores, applied as it is stored: no write, however much later.
    const storedForm = structuredClone(second);
    const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, generation: _g, managedFields: _mf, ...metadata } = storedForm.metadata;
    const clean = { ...storedForm, metadata: { ...metadata, name: 'd' } } as KubeObject;
    const settled = await apply(clean);
    await nextSecond();
    const again = await apply(clean);
    expect(again.metadata.resourceVersion).toBe(settled.metadata.resourceVersion);
    expect(server.requests.noopWrites({ verb: 'apply' }).length).toBeGreaterThanOrEqual(1);
    watch.abort();
  });
});

describe('go-types.ts', () => {
  it('declares every struct type its fields use (a typo would silently skip a subtree)', () => {
    const opaque = new Set(['Affinity', 'IntOrString', 'Quantity', 'int32', 'int64', 'bool', 'string']);
    for (const [name, fields] of GO_TYPES) {
      for (const field of fields) {
        const element = field.type.replace(/^\[\]/, '').replace(/^map\[string\]/, '');
        expect(GO_TYPES.has(element) || opaque.has(element), `${name}.${field.json}: ${field.type}`).toBe(true);
      }
    }
  });
});

describe('canonicalQuantity (resource.Quantity canonical form)', () => {
  it('matches the API server on the forms it documents', () => {
    const cases: Array<[string | number, string]> = [
      ['1000m', '1'], ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['0.5Gi', '512Mi'], ['1.5', '1500m'], ['100m', '100m'],
      ['1000', '1k'], ['1500', '1500'], ['1e3', '1e3'], ['1.1e3', '1100'], ['0.1n', '1n'], ['1.5m', '1500u'],
      ['0.5Ki', '512'], ['1.5Ki', '1536'], ['1Ki', '1Ki'], ['0', '0'], ['0Mi', '0'], [2, '2'], [0.25, '250m'], ['-1000m', '-1'],
    ];
    for (const [input, canonical] of cases) expect(canonicalQuantity(input), String(input)).toBe(canonical);
    expect(canonicalQuantity('1 Gi')).toBeUndefined();
    expect(canonicalQuantity('Gi')).toBeUndefined();
  });
});
