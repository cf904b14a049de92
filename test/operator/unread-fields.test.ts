// The operator's caches keep objects without what it never reads (operator/cache/unread-fields.ts):
// metadata.managedFields, which the API server adds to every object it stores, and kubectl's
// last-applied-configuration annotation. Against the test API server, which keeps
// managedFields as a real one does: objects from the first list, from watch events and from
// the operator's own writes (read-your-writes) all arrive in the cache without them, every
// other field intact.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { MARKETFEED_API_VERSION, MARKETFEED_KIND } from '../../cdk8s/api/marketfeed-types.ts';
import { LABEL_FEED, LABEL_MANAGED_BY, MANAGED_BY } from '../../cdk8s/feed/feed-names.ts';
import { OperatorCache } from '../../operator/cache/operator-cache.ts';
import { LAST_APPLIED_ANNOTATION, withoutUnreadFields } from '../../operator/cache/unread-fields.ts';
import { KubeClient } from '../../operator/kube/kube-client.ts';
import { DEPLOYMENT } from '../../operator/kube/resource-types.ts';
import { startTestApiServer, type TestApiServer } from '../kube/test-api-server.ts';
import { waitFor } from './helpers/wait.ts';

const NAMESPACE = 'feeds';
const MANAGER = 'unread-fields-test';
let server: TestApiServer;
let client: KubeClient;
let cache: OperatorCache;

function deployment(image: string): KubeObject {
  const labels = { app: 'quotes', [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_FEED]: 'quotes' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'quotes', namespace: NAMESPACE, labels, annotations: { 'marketfeed.dev/applied-hash': image } },
    spec: { selector: { matchLabels: { app: 'quotes' } }, template: { metadata: { labels }, spec: { containers: [{ name: 'feed', image }] } } },
  };
}

beforeAll(async () => {
  server = await startTestApiServer({ namespaces: ['default', NAMESPACE] });
  const kubeConfig = server.kubeConfig();
  client = new KubeClient({ kubeConfig });
  server.store.put({
    apiVersion: MARKETFEED_API_VERSION,
    kind: MARKETFEED_KIND,
    metadata: { name: 'quotes', namespace: NAMESPACE, annotations: { [LAST_APPLIED_ANNOTATION]: '{"spec":{}}', team: 'rates' } },
    spec: {},
  });
  await client.apply(DEPLOYMENT, deployment('marketfeed:1'), MANAGER);
  cache = new OperatorCache({ kubeConfig, client, namespace: NAMESPACE, logger: pino({ level: 'silent' }), onWatchRestart: () => {}, onFeedEvent: () => {} });
  await cache.start();
  await cache.whenSynced();
});

afterAll(async () => {
  await cache.stop();
  await client.close();
  await server.close();
});

describe('the operator cache drops fields it never reads', () => {
  it('keeps listed objects without managedFields, which the server does store', () => {
    expect(server.store.get('apps/v1', 'Deployment', NAMESPACE, 'quotes')?.metadata.managedFields?.[0]).toMatchObject({ manager: MANAGER, operation: 'Apply' });
    const cached = cache.ownedObject(DEPLOYMENT, NAMESPACE, 'quotes');
    expect(cached?.metadata).not.toHaveProperty('managedFields');
    expect(cached?.metadata.annotations).toEqual({ 'marketfeed.dev/applied-hash': 'marketfeed:1' });
    expect(cached?.spec).toEqual(server.store.get('apps/v1', 'Deployment', NAMESPACE, 'quotes')?.spec);
  });

  it("keeps a MarketFeed without kubectl's last-applied annotation, its other annotations intact", () => {
    const feed = cache.feed(NAMESPACE, 'quotes');
    expect(feed?.metadata.annotations).toEqual({ team: 'rates' });
    expect(feed?.metadata).not.toHaveProperty('managedFields');
  });

  it('drops them from objects that arrive by a watch event', async () => {
    const written = await client.apply(DEPLOYMENT, deployment('marketfeed:2'), MANAGER);
    expect(written.metadata.managedFields).toBeDefined();
    await waitFor(() => cache.cachedVersion(DEPLOYMENT, NAMESPACE, 'quotes') === written.metadata.resourceVersion, { what: 'the watch event of the second apply' });
    const cached = cache.ownedObject(DEPLOYMENT, NAMESPACE, 'quotes');
    expect(cached?.metadata).not.toHaveProperty('managedFields');
    expect(cached?.metadata.annotations).toEqual({ 'marketfeed.dev/applied-hash': 'marketfeed:2' });
  });

  it("drops them from a write's answer kept for read-your-writes", async () => {
    const before = cache.cachedVersion(DEPLOYMENT, NAMESPACE, 'quotes');
    const written = await client.apply(DEPLOYMENT, deployment('marketfeed:3'), MANAGER);
    cache.recordWrite(DEPLOYMENT, NAMESPACE, 'quotes', before, written);
    const cached = cache.ownedObject(DEPLOYMENT, NAMESPACE, 'quotes');
    expect(cached?.metadata.annotations).toEqual({ 'marketfeed.dev/applied-hash': 'marketfeed:3' });
    expect(cached?.metadata).not.toHaveProperty('managedFields');
    expect(written.metadata.managedFields).toBeDefined();
  });
});

describe('withoutUnreadFields', () => {
  it('returns a copy and leaves the object it was given as it is', () => {
    const object: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', managedFields: [{ manager: 'm', operation: 'Apply' }], annotations: { [LAST_APPLIED_ANNOTATION]: '{}' } },
      data: { a: '1' },
    };
    const original = structuredClone(object);
    expect(withoutUnreadFields(object)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: {} }, data: { a: '1' } });
    expect(object).toEqual(original);
  });

  it('returns an object without them unchanged', () => {
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { team: 'rates' } } };
    expect(withoutUnreadFields(object)).toBe(object);
  });
});
