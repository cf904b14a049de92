// The test API server admits CRDs and custom resources as a real one (Kubernetes 1.25 and
// later) does: the MarketFeed CRD installs; CRDs a real server refuses are refused with its
// reasons (fields newer than 1.25, undeclared CEL functions, rule costs, defaults that fail
// the schema or the rules); MarketFeeds are defaulted by the schema and refused, in the real
// server's words, when a CEL rule or the schema says no.
import { ApiException, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { marketFeedCrd } from '../../cdk8s/api/marketfeed-crd.ts';
import { withDefaults } from '../../cdk8s/api/marketfeed-types.ts';
import { startTestApiServer, type TestApiServer } from './test-api-server.ts';

let server: TestApiServer;

beforeEach(async () => {
  server = await startTestApiServer({ marketFeedResource: false });
});

afterEach(async () => {
  await server.close();
});

/** The Status message of a refused request (throws if it was not refused with `code`). */
async function refusal(request: Promise<unknown>, code = 422): Promise<string> {
  try {
    await request;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    const exception = error as ApiException<unknown>;
    expect(exception.code).toBe(code);
    return (JSON.parse(String(exception.body)) as { message: string }).message;
  }
  throw new Error('the request was accepted');
}

/**
 * Creates a CRD from its JSON as kubectl sends it (client-node's typed API would drop the
 * x-kubernetes-* keys it does not know in this spelling).
 */
async function createCrd(body: object): Promise<unknown> {
  const response = await fetch(`${server.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', ...body }),
  });
  const answer: unknown = await response.json();
  if (!response.ok) throw new ApiException(response.status, 'refused', JSON.stringify(answer), {});
  return answer;
}

function widgetCrd(spec: Record<string, unknown>): { metadata: { name: string }; spec: object } {
  return {
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }],
    },
  };
}

describe('CustomResourceDefinition admission', () => {
  it('accepts the MarketFeed CRD', async () => {
    const created = (await createCrd(marketFeedCrd())) as { metadata: { name: string } };
    expect(created.metadata.name).toBe('marketfeeds.marketfeed.dev');
  });

  it('refuses validation-rule fields newer than Kubernetes 1.25, naming the field', async () => {
    const body = widgetCrd({ type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a > 0', fieldPath: '.a', messageExpression: "'a'" }] });
    const message = await refusal(createCrd(body));
    expect(message).toContain('x-kubernetes-validations[0].fieldPath: Forbidden: fieldPath needs Kubernetes 1.28 or later');
    expect(message).toContain('x-kubernetes-validations[0].messageExpression: Forbidden: messageExpression needs Kubernetes 1.27 or later');
  });

  it('refuses a blank message and one with a line break, as the server does', async () => {
    const body = widgetCrd({ type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a > 0', message: ' ' }, { rule: 'self.a < 9', message: 'a\nb' }] });
    const message = await refusal(createCrd(body));
    expect(message).toContain('x-kubernetes-validations[0].message: Required value: message must be non-empty if specified');
    expect(message).toContain('x-kubernetes-validations[1].message: Invalid value: "a\\nb": message must not contain line breaks');
  });

  it('refuses CEL functions the 1.25 environment does not declare (quantity)', async () => {
    const body = widgetCrd({ type: 'object', properties: { cpus: { 'x-kubernetes-int-or-string': true } }, 'x-kubernetes-validations': [{ rule: 'isQuantity(self.cpus)' }] });
    expect(await refusal(createCrd(body))).toContain("undeclared reference to 'isQuantity'");
  });

  it('refuses a rule whose estimated cost is over the limit, in the server words', async () => {
    const body = widgetCrd({
      type: 'object',
      properties: { names: { type: 'array', items: { type: 'string' } } },
      'x-kubernetes-validations': [{ rule: 'self.names.all(a, self.names.all(b, a == b))' }],
    });
    const message = await refusal(createCrd(body));
    expect(message).toContain('x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x');
    // Bounded, the same rule is cheap enough.
    const bounded = widgetCrd({
      type: 'object',
      properties: { names: { type: 'array', maxItems: 16, items: { type: 'string', maxLength: 32 } } },
      'x-kubernetes-validations': [{ rule: 'self.names.all(a, self.names.all(b, a == b))' }],
    });
    await createCrd(bounded);
  });

  it('refuses an equality of two call results: cel-go <= 0.12.4 (Kubernetes 1.24) estimates it at 2^64', async () => {
    const body = widgetCrd({
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'integer' } },
      'x-kubernetes-validations': [{ rule: 'has(self.a) != has(self.b)' }, { rule: 'has(self.a) ? !has(self.b) : has(self.b)' }],
    });
    const message = await refusal(createCrd(body));
    expect(message).toContain('x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x');
    expect(message).not.toContain('x-kubernetes-validations[1]');
  });

  it('runs the CEL rules on a raw default, as the server does', async () => {
    const body = widgetCrd({
      type: 'object',
      default: {},
      properties: { size: { type: 'integer', default: 1 } },
      'x-kubernetes-validations': [{ rule: 'self.size > 0', message: 'size must be positive' }],
    });
    const message = await refusal(createCrd(body));
    expect(message).toContain('spec.validation.openAPIV3Schema.properties[spec].default: Invalid value: "object": no such key: size evaluating rule: size must be positive');
  });

  it('refuses a default the schema refuses', async () => {
    const body = widgetCrd({ type: 'object', properties: { size: { type: 'integer', minimum: 1, default: 0 } } });
    expect(await refusal(createCrd(body))).toContain(
      'spec.validation.openAPIV3Schema.properties[spec].properties[size].default: Invalid value: 0: spec.validation.openAPIV3Schema.properties[spec].properties[size].default in body should be greater than or equal to 1',
    );
  });
});

describe('MarketFeed admission with the CRD installed', () => {
  beforeEach(async () => {
    await createCrd(marketFeedCrd());
  });

  function create(name: string, spec: unknown): Promise<unknown> {
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    const body = { apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed', metadata: { name }, ...(spec === undefined ? {} : { spec }) };
    return custom.createNamespacedCustomObject({ group: 'marketfeed.dev', version: 'v1alpha1', namespace: 'default', plural: 'marketfeeds', body });
  }

  it('defaults a feed without a spec, and one with an empty spec, to every schema default', async () => {
    await create('bare', undefined);
    await create('empty', {});
    for (const name of ['bare', 'empty']) {
      expect(server.store.get('marketfeed.dev/v1alpha1', 'MarketFeed', 'default', name)?.spec).toEqual(withDefaults({}));
    }
  });

  it('refuses a feed a CEL rule refuses, with the real server message', async () => {
    expect(await refusal(create('x', { ringCapacity: 1000 }))).toBe('MarketFeed.marketfeed.dev "x" is invalid: spec: Invalid value: "object": ringCapacity must be a power of two');
    expect(await refusal(create('y', { resources: { cpus: '1500m' } }))).toBe(
      'MarketFeed.marketfeed.dev "y" is invalid: spec: Invalid value: "object": resources.cpus must be a whole number of CPUs from 1 to 256 (exclusive cores need integer requests = limits)',
    );
    expect(await refusal(create('z', { instruments: { symbols: ['A'], count: 1 }, tcp: { port: 9100 } }))).toBe(
      'MarketFeed.marketfeed.dev "z" is invalid: spec: Invalid value: "object": instruments: set exactly one of symbols or count, spec: Invalid value: "object": tcp.port must not be one of the feed pod\'s metrics ports 9100-9116',
    );
    expect(server.store.list('marketfeed.dev/v1alpha1', 'MarketFeed', 'default')).toEqual([]);
  });

  it('refuses a feed the schema refuses, and prunes unknown fields', async () => {
    expect(await refusal(create('x', { rate: -1 }))).toBe('MarketFeed.marketfeed.dev "x" is invalid: spec.rate: Invalid value: -1: spec.rate in body should be greater than or equal to 0');
    expect(await refusal(create('y', { imagePullPolicy: 'Sometimes', tolerations: [{ operator: 'Maybe' }] }))).toBe(
      'MarketFeed.marketfeed.dev "y" is invalid: spec.imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never", ' +
        'spec.tolerations[0].operator: Unsupported value: "Maybe": supported values: "Exists", "Equal"',
    );
    await create('pruned', { typo: true });
    expect(server.store.get('marketfeed.dev/v1alpha1', 'MarketFeed', 'default', 'pruned')?.spec).toEqual(withDefaults({}));
  });

  it('checks merge patches too, and keeps the stored feed when refused', async () => {
    await create('p', {});
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    const patch = custom.patchNamespacedCustomObject(
      { group: 'marketfeed.dev', version: 'v1alpha1', namespace: 'default', plural: 'marketfeeds', name: 'p', body: { spec: { shmSizeMi: 1 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(await refusal(patch)).toContain('shmSizeMi is too small for the ring');
    expect(server.store.get('marketfeed.dev/v1alpha1', 'MarketFeed', 'default', 'p')?.spec).toEqual(withDefaults({}));
  });
});
