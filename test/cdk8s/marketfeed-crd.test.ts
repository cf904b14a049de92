// The CRD generated from the TypeBox schema: a valid apiextensions.k8s.io/v1 object
// (kubernetes-models, Kubernetes 1.34 schemas), structural, with the subresources and
// printer columns the issue asks for; and the example MarketFeed validates against it.
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { marketFeedCrd, marketFeedOpenApiSchema, toStructuralSchema } from '../../cdk8s/api/marketfeed-crd.ts';
import { CROSS_FIELD_RULES, MarketFeedSpecSchema, MarketFeedStatusSchema, validateSpec, withDefaults } from '../../cdk8s/api/marketfeed-types.ts';
import { exampleMarketFeed } from '../../cdk8s/main.ts';
import { validateKubernetesObject } from './helpers/kubernetes-models.ts';
import { applyOpenApiDefaults, openApiProblems, structuralProblems, type OpenApiSchema } from '../kube/openapi-schema.ts';

interface CrdVersion {
  name: string;
  schema: { openAPIV3Schema: OpenApiSchema };
  subresources: { status: object; scale: Record<string, string> };
  additionalPrinterColumns: { name: string; type: string; jsonPath: string }[];
}

const crd = marketFeedCrd();
const spec = crd.spec as { group: string; scope: string; names: Record<string, unknown>; versions: CrdVersion[] };
const version = spec.versions[0];
const schema = version.schema.openAPIV3Schema;
const specSchema = (schema.properties as Record<string, OpenApiSchema>).spec;

describe('marketFeedCrd', () => {
  it('validates as a CustomResourceDefinition (kubernetes-models, Kubernetes 1.34)', () => {
    expect(() => validateKubernetesObject(crd)).not.toThrow();
  });

  it('names the API as the contract says', () => {
    expect(crd.metadata.name).toBe('marketfeeds.marketfeed.dev');
    expect(spec.group).toBe('marketfeed.dev');
    expect(spec.scope).toBe('Namespaced');
    expect(spec.names).toMatchObject({ kind: 'MarketFeed', plural: 'marketfeeds', singular: 'marketfeed', shortNames: ['mf'] });
    expect(version.name).toBe('v1alpha1');
  });

  it('is structural: no unions, refs, consts or pattern maps left from TypeBox', () => {
    expect(structuralProblems(schema)).toEqual([]);
    expect(JSON.stringify(schema)).not.toMatch(/"\$id"|"anyOf"|"patternProperties"|"const"/);
  });

  it('keeps defaults, bounds and enums', () => {
    const properties = specSchema.properties as Record<string, OpenApiSchema>;
    expect(properties.rate).toMatchObject({ type: 'integer', minimum: 0, default: 100_000 });
    expect(properties.imagePullPolicy).toMatchObject({ type: 'string', enum: ['Always', 'IfNotPresent', 'Never'], default: 'IfNotPresent' });
    expect((properties.resources?.properties as Record<string, OpenApiSchema>).cpus).toEqual({
      'x-kubernetes-int-or-string': true,
      default: 1,
      description: expect.any(String) as string,
    });
    expect(properties.nodeSelector).toEqual({ type: 'object', maxProperties: 64, additionalProperties: { type: 'string', maxLength: 63 } });
    expect(properties.shmConsumers).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] });
  });

  it('carries every cross-field rule as CEL on the spec', () => {
    expect(specSchema['x-kubernetes-validations']).toEqual(CROSS_FIELD_RULES.map(({ rule, message }) => ({ rule, message })));
    const rules = (specSchema['x-kubernetes-validations'] as { rule: string }[]).map((rule) => rule.rule).join('\n');
    expect(rules).toContain('self.shmSizeMi * 1048576 >= self.ringCapacity * 64 + 65536');
    expect(rules).toContain("self.resources.cpus in ['1', '1000m', '2', '2000m',");
  });

  it('refers, in every CEL rule and fieldPath, only to fields the spec schema has', () => {
    const has = (dotted: string): boolean => {
      let node: OpenApiSchema | undefined = specSchema;
      for (const name of dotted.split('.')) node = (node?.properties as Record<string, OpenApiSchema> | undefined)?.[name];
      return node !== undefined;
    };
    for (const { rule, fieldPath } of CROSS_FIELD_RULES) {
      const references = [...rule.matchAll(/self\.([A-Za-z][\w.]*)/g)].map((match) => match[1] ?? '');
      expect(references.length, rule).toBeGreaterThan(0);
      for (const reference of references) expect(has(reference), `${reference} in ${rule}`).toBe(true);
      expect(has(fieldPath.slice(1)), fieldPath).toBe(true);
      // Balanced parentheses and brackets: a cheap guard against a broken rule text.
      for (const [open, close] of [['(', ')'], ['[', ']']]) expect(rule.split(open).length, rule).toBe(rule.split(close).length);
    }
  });

  it('has the status and scale subresources and the printer columns', () => {
    expect(version.subresources).toEqual({
      status: {},
      scale: { specReplicasPath: '.spec.tcpConsumers.replicas', statusReplicasPath: '.status.tcpConsumerReplicas', labelSelectorPath: '.status.selector' },
    });
    expect(version.additionalPrinterColumns.map((column) => column.name)).toEqual([
      'Ready',
      'Rate',
      'SHM consumers',
      'TCP replicas',
      'Healthy',
      'Records/s',
      'P99 micros',
      'Gaps/min',
      'TCP subs',
      'Scraped',
      'Relays ready',
      'Relays',
      'Rollout',
      'Age',
    ]);
    expect(version.additionalPrinterColumns[0]?.jsonPath).toBe('.status.conditions[?(@.type=="Ready")].status');
    // Relay counts only with -o wide: most feeds have no relays.
    expect(version.additionalPrinterColumns.filter((column) => column.name.startsWith('Relays'))).toEqual([
      expect.objectContaining({ jsonPath: '.status.relaysReady', priority: 1 }),
      expect.objectContaining({ jsonPath: '.status.relaysDesired', priority: 1 }),
    ]);
  });

  it('defaults an empty spec (as the API server would) to what withDefaults gives', () => {
    expect(applyOpenApiDefaults(schema, { spec: {} })).toEqual({ spec: withDefaults({}) });
    expect(applyOpenApiDefaults(schema, {})).toEqual({ spec: withDefaults({}) });
  });

  it('rejects, in the generated schema itself, what the TypeBox schema rejects', () => {
    const bad = [{ rate: -1 }, { imagePullPolicy: 'Sometimes' }, { tcp: { encodings: ['xml'] } }, { resources: { cpus: 1.5 } }, { shmConsumers: [{ name: 'UPPER' }] }];
    for (const value of bad) {
      expect(openApiProblems(specSchema, value), JSON.stringify(value)).not.toEqual([]);
      expect(Value.Check(MarketFeedSpecSchema, withDefaults(value)), JSON.stringify(value)).toBe(false);
    }
  });

  it('accepts a status the operator writes', () => {
    const status = {
      observedGeneration: 3,
      conditions: [{ type: 'Ready', status: 'True', reason: 'AllReady', message: 'feed and 2 consumers ready', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 3 }],
      endpoint: 'quotes-feed.default.svc:9000',
      readyShmConsumers: 2,
      readyTcpConsumers: 2,
      tcpConsumerReplicas: 2,
      selector: 'app.kubernetes.io/name=marketfeed',
    };
    expect(openApiProblems((schema.properties as Record<string, OpenApiSchema>).status, status)).toEqual([]);
    expect(Value.Check(MarketFeedStatusSchema, status)).toBe(true);
  });

  it('refuses unions it cannot make structural', () => {
    expect(() => toStructuralSchema({ anyOf: [{ type: 'integer' }, { type: 'boolean' }] })).toThrow(/not structural/);
  });
});

describe('the example MarketFeed (examples/marketfeed.yaml)', () => {
  const example = exampleMarketFeed();

  it('validates against the CRD openAPIV3Schema, the TypeBox schema and validateSpec', () => {
    expect(example).toMatchObject({ apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed' });
    expect(openApiProblems(marketFeedOpenApiSchema(), example)).toEqual([]);
    expect(Value.Check(MarketFeedSpecSchema, withDefaults(example.spec as object))).toBe(true);
    expect(validateSpec(example.spec)).toEqual([]);
  });
});
