// The test API server speaks what the real @kubernetes/client-node sends: every test here
// drives it through client-node's typed APIs, CustomObjectsApi, KubernetesObjectApi (which
// needs discovery), Watch and makeInformer, exactly as the operator will.
import {
  ApiException,
  AppsV1Api,
  ApiextensionsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubernetesObjectApi,
  makeInformer,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApiServer, type KubeObject, type TestApiServer, type TestApiServerOptions } from './test-api-server.ts';

const GROUP = 'marketfeed.dev';
const VERSION = 'v1alpha1';
const PLURAL = 'marketfeeds';
const MANAGER = 'marketfeed-operator';

let server: TestApiServer;
const extraServers: TestApiServer[] = [];

async function startExtra(options: TestApiServerOptions): Promise<TestApiServer> {
  const extra = await startTestApiServer(options);
  extraServers.push(extra);
  return extra;
}

beforeEach(async () => {
  server = await startTestApiServer();
});

afterEach(async () => {
  await server.close();
  for (const extra of extraServers.splice(0)) await extra.close();
});

interface StatusBody {
  kind: string;
  code: number;
  reason: string;
  message: string;
  details?: { name?: string; causes?: { type: string; field?: string; message: string }[] };
}

/** Runs `call`, expects an ApiException, returns its code and parsed Status body. */
async function failure(call: () => Promise<unknown>): Promise<{ code: number; status: StatusBody; headers: Record<string, string> }> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body = typeof error.body === 'string' ? (JSON.parse(error.body) as StatusBody) : (error.body as StatusBody);
    return { code: error.code, status: body, headers: error.headers };
  }
  throw new Error('expected the call to fail');
}

function feed(name: string, spec: Record<string, unknown> = { rate: 1000, tcpConsumers: { replicas: 1 } }): KubeObject {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'MarketFeed', metadata: { name, namespace: 'default' }, spec };
}

function configMap(name: string, data: Record<string, string>, labels?: Record<string, string>): KubernetesObject & { data: Record<string, string> } {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ...(labels === undefined ? {} : { labels }) }, data };
}

const applyOptions = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
const mergeOptions = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatchOptions = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Collected {
  events: { type: string; object: KubeObject }[];
  done: Promise<unknown>;
  controller: AbortController;
}

async function collectWatch(path: string, query: Record<string, string | number | boolean>, s: TestApiServer = server): Promise<Collected> {
  const events: { type: string; object: KubeObject }[] = [];
  let finish: (err: unknown) => void = () => undefined;
  const done = new Promise<unknown>((resolve) => (finish = resolve));
  const controller = await new Watch(s.kubeConfig()).watch(
    path,
    query,
    (type: string, object: KubeObject) => events.push({ type, object }),
    (err: unknown) => finish(err ?? null),
  );
  return { events, done, controller };
}

describe('discovery', () => {
  it('serves /api, /apis, group and resource lists for the kinds the operator touches', async () => {
    const kc = server.kubeConfig();
    const objects = KubernetesObjectApi.makeApiClient(kc);
    for (const [apiVersion, kind, plural, namespaced] of [
      ['v1', 'ConfigMap', 'configmaps', true],
      ['v1', 'Service', 'services', true],
      ['v1', 'Pod', 'pods', true],
      ['v1', 'Event', 'events', true],
      ['v1', 'Namespace', 'namespaces', false],
      ['v1', 'ServiceAccount', 'serviceaccounts', true],
      ['apps/v1', 'Deployment', 'deployments', true],
      ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true],
      ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true],
      ['coordination.k8s.io/v1', 'Lease', 'leases', true],
      ['events.k8s.io/v1', 'Event', 'events', true],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false],
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false],
      [`${GROUP}/${VERSION}`, 'MarketFeed', PLURAL, true],
    ] as const) {
      const list = await objects.list(apiVersion, kind, namespaced ? 'default' : undefined);
      expect(list.kind, `${apiVersion} ${kind}`).toBe(`${kind}List`);
      const base = apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
      expect(server.requests.all({ verb: 'list' }).at(-1)?.path).toBe(namespaced ? `${base}/namespaces/default/${plural}` : `${base}/${plural}`);
    }
    expect(server.requests.count({ verb: 'discovery' })).toBeGreaterThan(0);
    const groups = (await (await fetch(`${server.url}/apis`)).json()) as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['apps', 'policy', GROUP, 'apiextensions.k8s.io']));
    const core = (await (await fetch(`${server.url}/api/v1`)).json()) as { resources: { name: string }[] };
    expect(core.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['pods', 'pods/status', 'services/status']));
    const mf = (await (await fetch(`${server.url}/apis/${GROUP}/${VERSION}`)).json()) as { resources: { name: string; shortNames?: string[] }[] };
    expect(mf.resources.map((r) => r.name)).toEqual(['marketfeeds', 'marketfeeds/status', 'marketfeeds/scale']);
    expect(mf.resources[0].shortNames).toEqual(['mf']);
    expect(await (await fetch(`${server.url}/readyz`)).text()).toBe('ok');
    const missing = await fetch(`${server.url}/apis/nope.example/v1`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as StatusBody).reason).toBe('NotFound');
  });
});

describe('typed resources', () => {
  it('create, read, list, replace, delete a ConfigMap; 404, 409 AlreadyExists and 422 as Status objects', async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', { k: 'v' }) });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    // Without fieldManager, the manager is the User-Agent's product, as on a real server.
    expect(created.metadata?.managedFields?.map((m) => [m.manager, m.operation])).toEqual([['kubernetes-client-javascript', 'Update']]);
    expect(created.metadata?.namespace).toBe('default');
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const rv = Number(created.metadata?.resourceVersion);
    expect(rv).toBeGreaterThan(0);

    const read = await core.readNamespacedConfigMap({ name: 'a', namespace: 'default' });
    expect(read.data).toEqual({ k: 'v' });

    const replaced = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...read, data: { k: 'w' } } });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(rv);
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid);

    await core.createNamespacedConfigMap({ namespace: 'other', body: { ...configMap('b', {}), metadata: { name: 'b' } } });
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['a']);
    expect(Number(list.metadata?.resourceVersion)).toBe(server.store.resourceVersion);
    const all = await core.listConfigMapForAllNamespaces();
    expect(all.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`)).toEqual(['default/a', 'other/b']);

    const exists = await failure(() => core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', {}) }));
    expect(exists.code).toBe(409);
    expect(exists.status).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', code: 409 });

    const bad = await failure(() => core.createNamespacedConfigMap({ namespace: 'default', body: configMap('Not_A_Name', {}) }));
    expect(bad.code).toBe(422);
    expect(bad.status.reason).toBe('Invalid');
    const badLabel = await failure(() => core.createNamespacedConfigMap({ namespace: 'default', body: configMap('ok', {}, { x: 'no spaces allowed' }) }));
    expect(badLabel.code).toBe(422);

    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' });
    const gone = await failure(() => core.readNamespacedConfigMap({ name: 'a', namespace: 'default' }));
    expect(gone.code).toBe(404);
    expect(gone.status).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'configmaps "a" not found', details: { name: 'a' } });
    const wrongNamespace = await failure(() => core.createNamespacedConfigMap({ namespace: 'default', body: { ...configMap('c', {}), metadata: { name: 'c', namespace: 'other' } } }));
    expect(wrongNamespace.code).toBe(400);
  });

  it('PUT with a stale resourceVersion is a 409 Conflict; an identical PUT writes nothing', async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', { k: '1' }) });
    const second = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...first, data: { k: '2' } } });
    const stale = await failure(() => core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...first, data: { k: '3' } } }));
    expect(stale.code).toBe(409);
    expect(stale.status.reason).toBe('Conflict');
    expect(stale.status.message).toContain('the object has been modified');

    const before = server.store.resourceVersion;
    const same = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: second });
    expect(same.metadata?.resourceVersion).toBe(second.metadata?.resourceVersion);
    expect(server.store.resourceVersion).toBe(before);
    expect(server.requests.all({ verb: 'update' }).map((r) => [r.status, r.outcome])).toEqual([[200, 'changed'], [409, undefined], [200, 'unchanged']]);
  });

  it('merge patch and JSON patch; strategic merge patch acts as merge patch on built-in kinds', async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', { k: '1', drop: 'x' }, { app: 'a' }) });
    const merged = await core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: { data: { k: '2', drop: null }, metadata: { labels: { tier: 'x' } } } }, mergeOptions);
    expect(merged.data).toEqual({ k: '2' });
    expect(merged.metadata?.labels).toEqual({ app: 'a', tier: 'x' });

    const patched = await core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: [{ op: 'add', path: '/data/n', value: '3' }, { op: 'remove', path: '/metadata/labels/tier' }] }, jsonPatchOptions);
    expect(patched.data).toEqual({ k: '2', n: '3' });
    expect(patched.metadata?.labels).toEqual({ app: 'a' });

    const failedTest = await failure(() => core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: [{ op: 'test', path: '/data/k', value: 'nope' }] }, jsonPatchOptions));
    expect(failedTest.code).toBe(422);

    const smp = await core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: { data: { k: '4' } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    expect(smp.data).toEqual({ k: '4', n: '3' });

    const stale = await failure(() => core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: { metadata: { resourceVersion: '1' }, data: { k: '5' } } }, mergeOptions));
    expect(stale.code).toBe(409);
    const missing = await failure(() => core.patchNamespacedConfigMap({ name: 'zz', namespace: 'default', body: { data: {} } }, mergeOptions));
    expect(missing.code).toBe(404);
  });

  it('fills the defaults a real server adds, and re-applying the same object still writes nothing', async () => {
    const objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'feed', namespace: 'default' }, spec: { selector: { app: 'x' }, ports: [{ name: 'feed', port: 7000 }] } };
    const applied = (await objects.patch(structuredClone(service), undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    expect(applied.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', clusterIP: expect.stringMatching(/^10\.96\./) as unknown, ports: [{ name: 'feed', port: 7000, protocol: 'TCP', targetPort: 7000 }] });
    const again = (await objects.patch(structuredClone(service), undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    expect(again.metadata.resourceVersion).toBe(applied.metadata.resourceVersion);
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const live = await core.readNamespacedService({ name: 'feed', namespace: 'default' });
    const replaced = await core.replaceNamespacedService({ name: 'feed', namespace: 'default', body: { ...live, spec: { ...live.spec, clusterIP: undefined, clusterIPs: undefined } } });
    expect(replaced.spec?.clusterIP).toBe((applied.spec as { clusterIP: string }).clusterIP);

    const apps = server.kubeConfig().makeApiClient(AppsV1Api);
    const deployment = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'img:1.0' }] } } } },
    });
    expect(deployment.spec?.replicas).toBe(1);
    expect(deployment.spec?.strategy?.type).toBe('RollingUpdate');
    expect(deployment.spec?.template.spec?.restartPolicy).toBe('Always');
    expect(deployment.spec?.template.spec?.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(deployment.metadata?.generation).toBe(1);

    const plain = await startExtra({ defaulting: false });
    const bare = (await KubernetesObjectApi.makeApiClient(plain.kubeConfig()).create(structuredClone(service))) as unknown as KubeObject;
    expect(bare.spec).toEqual(service.spec);
  });

  it('Leases: optimistic concurrency as leader election uses it', async () => {
    const coordination = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const lease = await coordination.createNamespacedLease({ namespace: 'default', body: { metadata: { name: 'marketfeed-operator' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } } });
    const renewed = await coordination.replaceNamespacedLease({ name: 'marketfeed-operator', namespace: 'default', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'a', renewTime: new Date() } } });
    const lost = await failure(() => coordination.replaceNamespacedLease({ name: 'marketfeed-operator', namespace: 'default', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } } }));
    expect(lost.code).toBe(409);
    expect((await coordination.readNamespacedLease({ name: 'marketfeed-operator', namespace: 'default' })).spec?.holderIdentity).toBe('a');
    expect(renewed.spec?.renewTime).toBeDefined();
    const exists = await failure(() => coordination.createNamespacedLease({ namespace: 'default', body: { metadata: { name: 'marketfeed-operator' }, spec: { holderIdentity: 'b' } } }));
    expect(exists.code).toBe(409);
  });

  it('Events (core v1 and events.k8s.io/v1), NetworkPolicies and cluster-scoped objects', async () => {
    const kc = server.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedEvent({ namespace: 'default', body: { metadata: { generateName: 'feed-' }, involvedObject: { kind: 'MarketFeed', name: 'f' }, reason: 'Created', message: 'm', type: 'Normal' } });
    const events = await core.listNamespacedEvent({ namespace: 'default' });
    expect(events.items).toHaveLength(1);
    expect(events.items[0].metadata?.name).toMatch(/^feed-[0-9a-f]{5}$/);
    const eventsV1 = kc.makeApiClient(EventsV1Api);
    await eventsV1.createNamespacedEvent({ namespace: 'default', body: { metadata: { name: 'e' }, eventTime: new Date(), reason: 'Created', action: 'Create', reportingController: 'c', reportingInstance: 'i', type: 'Normal' } });
    expect((await eventsV1.listNamespacedEvent({ namespace: 'default' })).items).toHaveLength(1);

    const net = kc.makeApiClient(NetworkingV1Api);
    const policy = await net.createNamespacedNetworkPolicy({ namespace: 'default', body: { metadata: { name: 'p' }, spec: { podSelector: { matchLabels: { a: 'b' } }, ingress: [{ ports: [{ port: 7000 }] }] } } });
    expect(policy.spec?.policyTypes).toEqual(['Ingress']);

    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(['default', 'kube-public', 'kube-system']);
    await core.createNamespace({ body: { metadata: { name: 'team' } } });
    expect((await core.readNamespace({ name: 'team' })).metadata?.namespace).toBeUndefined();
  });
});

describe('custom resources', () => {
  it('create, get, list namespaced and cluster-wide, replace, delete a MarketFeed; generation follows spec only', async () => {
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    const created = (await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, body: feed('f1') })) as KubeObject;
    expect(created.metadata.generation).toBe(1);
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'other', plural: PLURAL, body: { ...feed('f2'), metadata: { name: 'f2' } } });
    const got = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f1' })) as KubeObject;
    expect(got.spec).toEqual({ rate: 1000, tcpConsumers: { replicas: 1 } });
    const list = (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL })) as { kind: string; items: KubeObject[]; metadata: { resourceVersion: string } };
    expect(list.kind).toBe('MarketFeedList');
    expect(list.items.map((i) => i.metadata.name)).toEqual(['f1']);
    const everywhere = (await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })) as { items: KubeObject[] };
    expect(everywhere.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['default/f1', 'other/f2']);

    const labelled = (await custom.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f1', body: { ...got, metadata: { ...got.metadata, labels: { a: 'b' } } } })) as KubeObject;
    expect(labelled.metadata.generation).toBe(1);
    const changed = (await custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f1', body: { spec: { rate: 2000 } } }, mergeOptions)) as KubeObject;
    expect(changed.metadata.generation).toBe(2);
    expect(changed.spec).toEqual({ rate: 2000, tcpConsumers: { replicas: 1 } });

    const smp = await failure(() => custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f1', body: { spec: { rate: 1 } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)));
    expect(smp.code).toBe(415);

    const notFound = await failure(() => custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'nope' }));
    expect(notFound.status.message).toBe('marketfeeds.marketfeed.dev "nope" not found');
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f1' });
    expect(server.store.get(`${GROUP}/${VERSION}`, 'MarketFeed', 'default', 'f1')).toBeUndefined();
  });

  it('status subresource: main writes keep status, /status writes change only status and not generation', async () => {
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    const created = (await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, body: { ...feed('f'), status: { observedGeneration: 99 } } })) as KubeObject;
    expect(created.status).toBeUndefined();

    const withStatus = (await custom.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body: { status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False' }] }, spec: { rate: 1 } } }, mergeOptions)) as KubeObject;
    expect(withStatus.status).toEqual({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False' }] });
    expect(withStatus.spec).toEqual(created.spec);
    expect(withStatus.metadata.generation).toBe(1);

    const mainWrite = (await custom.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body: { ...withStatus, status: { observedGeneration: 7 }, spec: { rate: 5 } } })) as KubeObject;
    expect(mainWrite.status).toEqual(withStatus.status);
    expect(mainWrite.metadata.generation).toBe(2);

    const replaced = (await custom.replaceNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body: { ...mainWrite, status: { observedGeneration: 2 } } })) as KubeObject;
    expect(replaced.status).toEqual({ observedGeneration: 2 });
    expect(replaced.metadata.generation).toBe(2);
    const stale = await failure(() => custom.replaceNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body: { ...mainWrite, status: { observedGeneration: 3 } } }));
    expect(stale.code).toBe(409);

    const appliedStatus = (await custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'MarketFeed', metadata: { name: 'f' }, status: { observedGeneration: 2, endpoint: 'f.default.svc:7000' } }, fieldManager: MANAGER, force: true },
      applyOptions,
    )) as KubeObject;
    expect(appliedStatus.status).toEqual({ observedGeneration: 2, endpoint: 'f.default.svc:7000' });
    expect(appliedStatus.metadata.managedFields?.find((m) => m.manager === MANAGER)).toMatchObject({ operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:observedGeneration': {}, 'f:endpoint': {} } } });
    const rv = appliedStatus.metadata.resourceVersion;
    const again = (await custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'MarketFeed', metadata: { name: 'f' }, status: { observedGeneration: 2, endpoint: 'f.default.svc:7000' } }, fieldManager: MANAGER, force: true },
      applyOptions,
    )) as KubeObject;
    expect(again.metadata.resourceVersion).toBe(rv);

    const noStatus = await fetch(`${server.url}/api/v1/namespaces/default/configmaps/x/status`);
    expect(noStatus.status).toBe(404);
  });

  it('scale subresource on MarketFeeds (spec.tcpConsumers.replicas) and Deployments', async () => {
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, body: feed('f') });
    server.store.patchStatus(`${GROUP}/${VERSION}`, 'MarketFeed', 'default', 'f', { tcpConsumerReplicas: 1 });
    const scale = (await custom.getNamespacedCustomObjectScale({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f' })) as { kind: string; spec: { replicas: number }; status: { replicas: number } };
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 1 }, status: { replicas: 1 } });
    await custom.patchNamespacedCustomObjectScale({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body: { spec: { replicas: 4 } } }, mergeOptions);
    const stored = server.store.get(`${GROUP}/${VERSION}`, 'MarketFeed', 'default', 'f');
    expect(stored?.spec).toEqual({ rate: 1000, tcpConsumers: { replicas: 4 } });
    expect(stored?.metadata.generation).toBe(2);

    const apps = server.kubeConfig().makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: { metadata: { name: 'd' }, spec: { replicas: 2, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } } } });
    const deploymentScale = await apps.readNamespacedDeploymentScale({ name: 'd', namespace: 'default' });
    expect(deploymentScale.spec?.replicas).toBe(2);
    expect(deploymentScale.status?.selector).toBe('app=d');
    await apps.replaceNamespacedDeploymentScale({ name: 'd', namespace: 'default', body: { ...deploymentScale, spec: { replicas: 0 } } });
    expect((await apps.readNamespacedDeployment({ name: 'd', namespace: 'default' })).spec?.replicas).toBe(0);
  });

  it('a CustomResourceDefinition created through the API serves its resources; deleting it removes them', async () => {
    const kc = server.kubeConfig();
    const crds = kc.makeApiClient(ApiextensionsV1Api);
    await crds.createCustomResourceDefinition({
      body: {
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
          scope: 'Cluster',
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } }, subresources: { status: {} } }],
        },
      },
    });
    const established = await crds.readCustomResourceDefinition({ name: 'widgets.example.com' });
    expect(established.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const widgetSpec: KubernetesObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    const widget = await objects.create(widgetSpec);
    expect(widget.metadata?.namespace).toBeUndefined();
    const custom = kc.makeApiClient(CustomObjectsApi);
    expect(((await custom.listClusterCustomObject({ group: 'example.com', version: 'v1', plural: 'widgets' })) as { items: unknown[] }).items).toHaveLength(1);
    await crds.deleteCustomResourceDefinition({ name: 'widgets.example.com' });
    expect((await fetch(`${server.url}/apis/example.com/v1/widgets`)).status).toBe(404);
  });
});

describe('server-side apply', () => {
  function deployment(image: string, replicas?: number, labels: Record<string, string> = { app: 'd' }): KubernetesObject {
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'default', labels },
      spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image }] } } },
    } as KubernetesObject;
  }

  it('creates when absent (201), writes nothing when nothing changed, merges changes', async () => {
    const objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    const created = (await objects.patch(deployment('img:1', 2), undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    expect(created.metadata.managedFields).toEqual([expect.objectContaining({ manager: MANAGER, operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' })]);
    expect(created.metadata.managedFields?.[0].fieldsV1).toMatchObject({ 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': {} } } } });
    const rv = created.metadata.resourceVersion;
    const changesBefore = server.store.changes;
    const noop = (await objects.patch(deployment('img:1', 2), undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    expect(noop.metadata.resourceVersion).toBe(rv);
    expect(noop.metadata.generation).toBe(1);
    expect(server.store.changes).toBe(changesBefore);

    const updated = (await objects.patch(deployment('img:2', 2), undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
    expect(updated.metadata.generation).toBe(2);

    const applies = server.requests.all({ verb: 'apply' });
    expect(applies.map((r) => [r.status, r.outcome, r.fieldManager, r.contentType])).toEqual([
      [201, 'changed', MANAGER, 'application/apply-patch+yaml'],
      [200, 'unchanged', MANAGER, 'application/apply-patch+yaml'],
      [200, 'changed', MANAGER, 'application/apply-patch+yaml'],
    ]);
    expect(server.requests.writes({ resource: 'deployments.apps' })).toHaveLength(2);
    expect(server.requests.noopWrites({ resource: 'deployments.apps' })).toHaveLength(1);
  });

  it('a field another manager owns with a different value is a 409 conflict unless forced; equal values are shared', async () => {
    const objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    await objects.patch(deployment('img:1', 2), undefined, undefined, MANAGER, false, PatchStrategy.ServerSideApply);
    // Someone else (kubectl scale) takes spec.replicas with a non-apply write.
    await server.kubeConfig().makeApiClient(AppsV1Api).patchNamespacedDeployment({ name: 'd', namespace: 'default', body: { spec: { replicas: 5 } }, fieldManager: 'kubectl' }, mergeOptions);
    const owners = server.store.get('apps/v1', 'Deployment', 'default', 'd')?.metadata.managedFields ?? [];
    expect(owners.map((m) => [m.manager, m.operation])).toEqual([[MANAGER, 'Apply'], ['kubectl', 'Update']]);
    expect(owners[1].fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });

    const conflict = await failure(() => objects.patch(deployment('img:1', 2), undefined, undefined, MANAGER, false, PatchStrategy.ServerSideApply));
    expect(conflict.code).toBe(409);
    expect(conflict.status.reason).toBe('Conflict');
    expect(conflict.status.message).toBe('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas');
    expect(conflict.status.details?.causes).toEqual([{ type: 'FieldManagerConflict', message: 'conflict with "kubectl" using apps/v1', field: '.spec.replicas' }]);

    // Applying the value kubectl set is no conflict (shared ownership) and changes nothing.
    const shared = (await objects.patch(deployment('img:1', 5), undefined, undefined, MANAGER, false, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    expect(shared.spec).toMatchObject({ replicas: 5 });

    // A second applier conflicts with the operator's image; force takes the field over.
    const other = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'hacked:1' }] } } } } as KubernetesObject;
    const otherConflict = await failure(() => objects.patch(structuredClone(other), undefined, undefined, 'someone', false, PatchStrategy.ServerSideApply));
    expect(otherConflict.status.details?.causes?.[0].field).toBe('.spec.template.spec.containers');
    const forced = (await objects.patch(structuredClone(other), undefined, undefined, 'someone', true, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    expect(forced.spec).toMatchObject({ template: { spec: { containers: [{ name: 'c', image: 'hacked:1' }] } } });
    const mine = forced.metadata.managedFields?.find((m) => m.manager === MANAGER);
    expect(JSON.stringify(mine?.fieldsV1)).not.toContain('f:containers');

    // The same name's non-apply writes are another manager to apply, as on a real server.
    await server.kubeConfig().makeApiClient(AppsV1Api).patchNamespacedDeployment({ name: 'd', namespace: 'default', body: { metadata: { labels: { app: 'patched' } } }, fieldManager: MANAGER }, mergeOptions);
    const selfConflict = await failure(() => objects.patch(deployment('img:1', 5), undefined, undefined, MANAGER, false, PatchStrategy.ServerSideApply));
    expect(selfConflict.status.details?.causes?.map((c) => c.field)).toEqual(['.metadata.labels.app', '.spec.template.spec.containers']);

    // The operator forces it back (what an operator applying with force does).
    const back = (await objects.patch(deployment('img:1', 5), undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    expect(back.spec).toMatchObject({ template: { spec: { containers: [{ name: 'c', image: 'img:1' }] } } });
    expect(back.metadata.labels).toEqual({ app: 'd' });
    expect(back.metadata.managedFields?.map((m) => [m.manager, m.operation])).toEqual([[MANAGER, 'Apply'], ['kubectl', 'Update']]);
  });

  it('fields this manager stops applying are removed unless another manager owns them', async () => {
    const objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    await objects.patch(deployment('img:1', 2, { app: 'd', extra: 'x', shared: 'y' }), undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply);
    await objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default', labels: { shared: 'y' } } }, undefined, undefined, 'other', false, PatchStrategy.ServerSideApply);
    const after = (await objects.patch(deployment('img:1', undefined, { app: 'd' }), undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    expect(after.metadata.labels).toEqual({ app: 'd', shared: 'y' });
    expect(after.spec).toMatchObject({ replicas: 1 }); // removed, then defaulted again
  });

  it('requires a field manager, matching names, and honours resourceVersion preconditions', async () => {
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    const body = feed('f');
    const noManager = await failure(() => custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body }, applyOptions));
    expect(noManager.code).toBe(422);
    const wrongName = await failure(() => custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'g', body, fieldManager: MANAGER }, applyOptions));
    expect(wrongName.code).toBe(400);
    const created = (await custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body, fieldManager: MANAGER }, applyOptions)) as KubeObject;
    expect(created.metadata.generation).toBe(1);
    const stale = await failure(() =>
      custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body: { ...feed('f', { rate: 3 }), metadata: { name: 'f', resourceVersion: '1' } }, fieldManager: MANAGER }, applyOptions),
    );
    expect(stale.code).toBe(409);
    const forceOnMerge = await failure(() => custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', body: { spec: {} }, force: true }, mergeOptions));
    expect(forceOnMerge.code).toBe(422);
  });

  it('dry-run apply shows the result without storing it', async () => {
    const objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    await objects.patch(deployment('img:1', 2), undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply);
    const rv = server.store.resourceVersion;
    const preview = (await objects.patch(deployment('img:9', 2), undefined, 'All', MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as KubeObject;
    expect(preview.spec).toMatchObject({ template: { spec: { containers: [{ image: 'img:9' }] } } });
    expect(server.store.resourceVersion).toBe(rv);
    expect(server.store.get('apps/v1', 'Deployment', 'default', 'd')?.spec).toMatchObject({ template: { spec: { containers: [{ image: 'img:1' }] } } });
  });
});

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED, from a resourceVersion, with label selectors', async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const start = server.store.resourceVersion;
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('before', { k: '1' }) });
    const all = await collectWatch('/api/v1/namespaces/default/configmaps', { resourceVersion: start });
    const selected = await collectWatch('/api/v1/namespaces/default/configmaps', { resourceVersion: start, labelSelector: 'app=x' });
    const fresh = await collectWatch('/api/v1/namespaces/default/configmaps', {});
    await server.waitForWatches(3);
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', { k: '1' }, { app: 'x' }) });
    await core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: { data: { k: '2' } } }, mergeOptions);
    await core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: { metadata: { labels: { app: 'y' } } } }, mergeOptions);
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' });
    await core.createNamespacedConfigMap({ namespace: 'other', body: { ...configMap('elsewhere', {}), metadata: { name: 'elsewhere' } } });
    await until(() => all.events.length === 5);
    expect(all.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED before', 'ADDED a', 'MODIFIED a', 'MODIFIED a', 'DELETED a']);
    const versions = all.events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(versions[4]).toBeGreaterThan(versions[3]);
    await until(() => selected.events.length === 3);
    expect(selected.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(selected.events[2].object.metadata.labels).toEqual({ app: 'y' });
    await until(() => fresh.events.length === 5);
    expect(fresh.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'before' } } });
    for (const w of [all, selected, fresh]) w.controller.abort();
    await until(() => server.watches().length === 0);
  });

  it('a resourceVersion older than the held history gets an ERROR event with 410 Gone, then the stream ends', async () => {
    const small = await startExtra({ historyLimit: 3 });
    const core = small.kubeConfig().makeApiClient(CoreV1Api);
    const start = small.store.resourceVersion;
    for (let i = 0; i < 5; i++) await core.createNamespacedConfigMap({ namespace: 'default', body: configMap(`c${i}`, {}) });
    const expired = await collectWatch('/api/v1/namespaces/default/configmaps', { resourceVersion: start }, small);
    await expired.done;
    expect(expired.events).toHaveLength(1);
    expect(expired.events[0].type).toBe('ERROR');
    expect(expired.events[0].object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(small.goneWatches()).toBe(1);
    const recent = await collectWatch('/api/v1/namespaces/default/configmaps', { resourceVersion: small.store.resourceVersion - 2 }, small);
    await until(() => recent.events.length === 2);
    expect(recent.events.map((e) => e.object.metadata.name)).toEqual(['c3', 'c4']);
    recent.controller.abort();
  });

  it('timeoutSeconds ends the stream; allowWatchBookmarks sends BOOKMARK events', async () => {
    const quick = await startExtra({ bookmarkIntervalMs: 50 });
    const timed = await collectWatch('/api/v1/namespaces/default/configmaps', { resourceVersion: quick.store.resourceVersion, timeoutSeconds: 1 }, quick);
    const started = Date.now();
    expect(await timed.done).toBeNull();
    expect(Date.now() - started).toBeGreaterThan(800);
    const bookmarks = await collectWatch('/api/v1/namespaces/default/configmaps', { resourceVersion: quick.store.resourceVersion, allowWatchBookmarks: true }, quick);
    await until(() => bookmarks.events.length >= 2);
    expect(bookmarks.events[0]).toMatchObject({ type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: String(quick.store.resourceVersion) } } });
    bookmarks.controller.abort();
  });

  it('makeInformer lists, follows, and re-lists after 410 Gone', async () => {
    const kc = server.kubeConfig();
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, body: feed('f1') });
    const path = `/apis/${GROUP}/${VERSION}/namespaces/default/${PLURAL}`;
    const informer = makeInformer<KubernetesObject>(kc, path, () => custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL }) as never);
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    const errors: unknown[] = [];
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    await server.waitForWatches(1);
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, body: feed('f2') });
    await until(() => seen.includes('add f2'));

    // Expire history, then end the stream cleanly: the informer reconnects from its version, gets 410, re-lists.
    const lists = server.requests.count({ verb: 'list', resource: 'marketfeeds.marketfeed.dev' });
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f1' });
    await until(() => seen.includes('delete f1'));
    // End the stream cleanly, change something while the informer is not watching, and compact
    // the history past its version: it reconnects, gets 410 Gone, and learns of f3 by re-listing.
    server.faults.dropWatches('end');
    server.store.put(feed('f3'));
    server.faults.expireHistory();
    await until(() => server.goneWatches() >= 1, 10_000);
    await until(() => seen.includes('add f3'), 10_000);
    expect(server.requests.count({ verb: 'list', resource: 'marketfeeds.marketfeed.dev' })).toBeGreaterThan(lists);
    expect(informer.list().map((o) => o.metadata?.name).sort()).toEqual(['f2', 'f3']);
    expect(errors).toEqual([]);
    await informer.stop();
  });
});

describe('garbage collection', () => {
  async function ownedSet(): Promise<{ owner: KubeObject }> {
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    const owner = (await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, body: feed('f') })) as KubeObject;
    const ownerReferences = [{ apiVersion: `${GROUP}/${VERSION}`, kind: 'MarketFeed', name: 'f', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }];
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'f-config', ownerReferences }, data: {} } });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'f-grandchild', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'f-config', uid: cm.metadata?.uid ?? '' }] }, data: {} } });
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('unowned', {}) });
    return { owner };
  }

  it('deleting an owner deletes its dependents in the background, transitively', async () => {
    await ownedSet();
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    const answer = (await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f' })) as { kind: string; status: string };
    expect(answer).toMatchObject({ kind: 'Status', status: 'Success' });
    await until(() => server.store.list('v1', 'ConfigMap', 'default').length === 1);
    expect(server.store.list('v1', 'ConfigMap', 'default').map((c) => c.metadata.name)).toEqual(['unowned']);
  });

  it('propagationPolicy Orphan keeps dependents and removes their ownerReference', async () => {
    await ownedSet();
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: PLURAL, name: 'f', propagationPolicy: 'Orphan' });
    expect(server.store.collectGarbage()).toBe(0);
    const orphan = server.store.get('v1', 'ConfigMap', 'default', 'f-config');
    expect(orphan?.metadata.ownerReferences).toBeUndefined();
    expect(server.store.list('v1', 'ConfigMap', 'default')).toHaveLength(3);
  });

  it('an object whose owner does not exist is collected; deleting a namespace deletes its contents', async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dangling', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'no-such-uid' }] }, data: {} } });
    await until(() => server.store.get('v1', 'ConfigMap', 'default', 'dangling') === undefined);
    await core.createNamespace({ body: { metadata: { name: 'team' } } });
    await core.createNamespacedConfigMap({ namespace: 'team', body: { metadata: { name: 'inside' }, data: {} } });
    await core.deleteNamespace({ name: 'team' });
    await until(() => server.store.list('v1', 'ConfigMap', 'team').length === 0);
  });

  it('delete preconditions: a uid or resourceVersion that does not match is a 409', async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', {}) });
    const conflict = await failure(() => core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default', body: { preconditions: { uid: 'other' } } }));
    expect(conflict.code).toBe(409);
    const collection = await fetch(`${server.url}/api/v1/namespaces/default/configmaps?labelSelector=nothing`, { method: 'DELETE' });
    expect(collection.status).toBe(200);
    expect(server.store.get('v1', 'ConfigMap', 'default', 'a')).toBeDefined();
  });
});

describe('fault injection', () => {
  it('failNext answers matching requests with 5xx or 429 (with Retry-After), then stops', async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    server.faults.failNext(2, { method: 'POST', path: /configmaps$/ });
    server.faults.failNext(1, { status: 429, retryAfterSeconds: 2, method: 'GET', path: /\/configmaps\/a$/ });
    const first = await failure(() => core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', {}) }));
    expect(first.code).toBe(500);
    expect(first.status.reason).toBe('InternalError');
    const second = await failure(() => core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', {}) }));
    expect(second.code).toBe(500);
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', {}) });
    await core.listNamespacedConfigMap({ namespace: 'default' });
    const throttled = await failure(() => core.readNamespacedConfigMap({ name: 'a', namespace: 'default' }));
    expect(throttled.code).toBe(429);
    expect(throttled.headers['retry-after']).toBe('2');
    expect(throttled.status).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 2 } });
    await core.readNamespacedConfigMap({ name: 'a', namespace: 'default' });
    expect(server.requests.all({ verb: 'create' }).map((r) => [r.status, r.injected])).toEqual([[500, true], [500, true], [201, false]]);
    expect(server.faults.injected).toBe(3);
    server.faults.failNext(1, { status: 503, watch: true });
    const watch = await collectWatch('/api/v1/namespaces/default/configmaps', {});
    expect(await watch.done).toMatchObject({ statusCode: 503 });
  });

  it("phase 'after': the request is handled, then the answer is an error or comes late", async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    server.faults.failNext(1, { method: 'POST', phase: 'after', status: 504 });
    const lost = await failure(() => core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', {}) }));
    expect(lost.code).toBe(504);
    expect(server.store.get('v1', 'ConfigMap', 'default', 'a')).toBeDefined();
    expect(server.requests.all({ verb: 'create' })[0]).toMatchObject({ status: 504, injected: true, outcome: 'changed' });
    const retried = await failure(() => core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a', {}) }));
    expect(retried.status.reason).toBe('AlreadyExists');

    server.faults.delay(300, { method: 'POST', phase: 'after', count: 1 });
    const slow = core.createNamespacedConfigMap({ namespace: 'default', body: configMap('b', {}) });
    await until(() => server.store.get('v1', 'ConfigMap', 'default', 'b') !== undefined);
    const started = Date.now();
    await slow;
    expect(Date.now() - started).toBeGreaterThan(150);
  });

  it('delay slows matching requests down', async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    server.faults.delay(300, { method: 'GET', count: 1 });
    const started = Date.now();
    await core.listNamespacedConfigMap({ namespace: 'default' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    const next = Date.now();
    await core.listNamespacedConfigMap({ namespace: 'default' });
    expect(Date.now() - next).toBeLessThan(250);
    server.faults.delay(200, { path: '/api/v1/namespaces/default/configmaps' });
    server.faults.clear();
    const cleared = Date.now();
    await core.listNamespacedConfigMap({ namespace: 'default' });
    expect(Date.now() - cleared).toBeLessThan(150);
  });

  it('dropWatches breaks streams (client-node reports an error) or ends them (it reconnects)', async () => {
    const broken = await collectWatch('/api/v1/namespaces/default/configmaps', {});
    await server.waitForWatches(1);
    expect(server.faults.dropWatches()).toBe(1);
    const error = await broken.done;
    expect(error).not.toBeNull();

    const kc = server.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const errors: unknown[] = [];
    const added: string[] = [];
    informer.on('error', (e) => errors.push(e));
    informer.on('add', (o) => added.push(o.metadata?.name ?? ''));
    await informer.start();
    await server.waitForWatches(1);
    server.faults.dropWatches('end');
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('later', {}) });
    await until(() => added.includes('later'), 10_000);
    expect(errors).toEqual([]);
    server.faults.dropWatches('destroy');
    await until(() => errors.length === 1, 10_000);
    await informer.stop();
  });

  it('goneNextWatches answers the next watch with 410 whatever its version', async () => {
    server.faults.goneNextWatches(1);
    const watch = await collectWatch('/api/v1/namespaces/default/configmaps', { resourceVersion: server.store.resourceVersion });
    await watch.done;
    expect(watch.events[0]).toMatchObject({ type: 'ERROR', object: { code: 410 } });
    const ok = await collectWatch('/api/v1/namespaces/default/configmaps', { resourceVersion: server.store.resourceVersion });
    await server.waitForWatches(1);
    ok.controller.abort();
  });
});

describe('test store access', () => {
  it('put, patchStatus and markDeploymentReady are seen by clients and watches but not logged as requests', async () => {
    const apps = server.kubeConfig().makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: { metadata: { name: 'd' }, spec: { replicas: 3, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } } } });
    const watch = await collectWatch('/apis/apps/v1/namespaces/default/deployments', { resourceVersion: server.store.resourceVersion });
    await server.waitForWatches(1);
    const requests = server.requests.count();
    server.store.markDeploymentReady('default', 'd', 2);
    const partial = await apps.readNamespacedDeploymentStatus({ name: 'd', namespace: 'default' });
    expect(partial.status).toMatchObject({ replicas: 3, readyReplicas: 2, observedGeneration: 1 });
    expect(partial.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('False');
    server.store.markDeploymentReady('default', 'd');
    expect((await apps.readNamespacedDeployment({ name: 'd', namespace: 'default' })).status?.readyReplicas).toBe(3);
    // As on a real server, the deployment controller's status writes are recorded in managedFields.
    const controller = server.store.get('apps/v1', 'Deployment', 'default', 'd')?.metadata.managedFields?.find((entry) => entry.manager === 'kube-controller-manager');
    expect(controller).toMatchObject({ operation: 'Update', subresource: 'status', apiVersion: 'apps/v1' });
    expect(Object.keys((controller?.fieldsV1 as Record<string, Record<string, unknown>>)['f:status'])).toEqual(expect.arrayContaining(['f:readyReplicas', 'f:conditions']));
    await until(() => watch.events.length === 2);
    expect(watch.events.map((e) => e.type)).toEqual(['MODIFIED', 'MODIFIED']);
    expect(server.requests.count()).toBe(requests + 2);
    server.store.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Running' } });
    expect(server.store.get('v1', 'Pod', 'default', 'p')?.status).toEqual({ phase: 'Running' });
    expect(server.store.delete('v1', 'Pod', 'default', 'p')).toBe(true);
    expect(() => server.store.get('v9', 'Nope', 'default', 'x')).toThrow(/does not serve/);
    watch.controller.abort();
  });
});
