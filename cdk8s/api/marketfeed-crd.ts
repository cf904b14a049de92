// The MarketFeed CustomResourceDefinition, generated from the TypeBox schemas in
// marketfeed-types.ts so that the TypeScript types and the API server's schema cannot drift.
//
// TypeBox writes JSON Schema; Kubernetes wants a *structural* OpenAPI v3 subset. The
// conversion below keeps types, defaults, bounds, patterns, enums, descriptions and the
// x-kubernetes-* extensions, and rewrites or drops what a structural schema forbids:
//   - anyOf of string literals (TypeBox's unions)   → type: string + enum + maxLength
//   - int-or-string unions                         → x-kubernetes-int-or-string only
//   - patternProperties (TypeBox's Record)         → additionalProperties
//   - additionalProperties: false                  → dropped (the API server prunes instead)
//   - $id, $schema, TypeBox's symbol keys          → dropped
//   - `required` on fields that have a default     → dropped (defaulting runs first anyway,
//     but kubectl's client-side checks and partial apply patches should not need them)
import {
  CROSS_FIELD_RULES,
  MARKETFEED_GROUP,
  MARKETFEED_KIND,
  MARKETFEED_PLURAL,
  MARKETFEED_SHORT_NAME,
  MARKETFEED_SINGULAR,
  MARKETFEED_VERSION,
  MarketFeedSpecSchema,
  MarketFeedStatusSchema,
  withDefaults,
} from './marketfeed-types.ts';
import { HEALTH_PRINTER_COLUMNS } from './feed-health-types.ts';
import type { KubeObject } from './kube-object.ts';

export type JsonSchemaProps = { [key: string]: unknown };

const DROPPED_KEYS = new Set(['$id', '$schema', 'additionalProperties', 'patternProperties', 'anyOf', 'required', 'properties', 'items', 'const']);

const LEADING_KEYS = ['type', 'description'];
function keyRank(key: string): number {
  const index = LEADING_KEYS.indexOf(key);
  return index === -1 ? LEADING_KEYS.length : index;
}

function isStringLiteralUnion(schema: JsonSchemaProps): schema is JsonSchemaProps & { anyOf: { const: string }[] } {
  return Array.isArray(schema.anyOf) && schema.anyOf.every((branch: { const?: unknown }) => typeof branch.const === 'string');
}

/** A TypeBox (JSON Schema) node as a structural OpenAPI v3 node. */
export function toStructuralSchema(source: object): JsonSchemaProps {
  const schema = source as JsonSchemaProps;
  const out: JsonSchemaProps = {};
  // type and description first: the YAML reads like hand-written OpenAPI.
  const keys = Object.keys(schema).sort((a, b) => keyRank(a) - keyRank(b));
  for (const key of keys) {
    if (!DROPPED_KEYS.has(key)) out[key] = structuredClone(schema[key]);
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    // The only structural form of a union: no type, no branches; CEL checks the content.
    delete out.type;
    return out;
  }
  if (isStringLiteralUnion(schema)) {
    // maxLength too, so that CEL cost estimates never see an enum as a 3 MiB string.
    const values = schema.anyOf.map((branch) => branch.const);
    return { type: 'string', ...out, enum: values, maxLength: Math.max(...values.map((value) => value.length)) };
  }
  if (schema.anyOf !== undefined) throw new Error(`toStructuralSchema: unions other than string enums and int-or-string are not structural: ${JSON.stringify(schema)}`);
  if (schema.type === 'object') {
    const properties = schema.properties as Record<string, object> | undefined;
    if (properties !== undefined) {
      out.properties = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, toStructuralSchema(property)]));
      const required = ((schema.required as string[] | undefined) ?? []).filter((name) => (properties[name] as JsonSchemaProps).default === undefined);
      if (required.length > 0) out.required = required;
    }
    const patterns = schema.patternProperties as Record<string, object> | undefined;
    if (patterns !== undefined) {
      const values = Object.values(patterns);
      if (values.length !== 1 || values[0] === undefined) throw new Error('toStructuralSchema: a map needs exactly one value schema');
      out.additionalProperties = toStructuralSchema(values[0]);
    }
  }
  if (schema.type === 'array' && schema.items !== undefined) out.items = toStructuralSchema(schema.items as object);
  return out;
}

export const PRINTER_COLUMNS = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Rate', type: 'integer', jsonPath: '.spec.rate', description: 'records per second; 0 = flat out' },
  { name: 'SHM consumers', type: 'integer', jsonPath: '.status.readyShmConsumers', description: 'SHM consumers ready' },
  { name: 'TCP replicas', type: 'integer', jsonPath: '.spec.tcpConsumers.replicas', description: 'TCP consumer replicas asked for' },
  ...HEALTH_PRINTER_COLUMNS,
  { name: 'Relays ready', type: 'integer', jsonPath: '.status.relaysReady', description: 'relay pods ready (of .status.relaysDesired); empty without spec.relays', priority: 1 },
  { name: 'Relays', type: 'integer', jsonPath: '.status.relaysDesired', description: 'nodes that should run a relay; empty without spec.relays', priority: 1 },
  { name: 'Rollout', type: 'string', jsonPath: '.status.rollout.phase', description: 'Progressing, Complete, RolledBack, Failed or Suspended', priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

/**
 * The spec's structural schema, with the CEL rules of CROSS_FIELD_RULES at its root, in the
 * form Kubernetes 1.25 accepts: `rule` and `message` only (no fieldPath, reason or
 * messageExpression), and a default that is the fully defaulted spec, because the server runs
 * the rules on a default as written (`{}` would fail every rule with "no such key").
 */
export function marketFeedSpecOpenApi(): JsonSchemaProps {
  return {
    ...toStructuralSchema(MarketFeedSpecSchema),
    default: withDefaults({}),
    'x-kubernetes-validations': CROSS_FIELD_RULES.map(({ rule, message }) => ({ rule, message })),
  };
}

export function marketFeedOpenApiSchema(): JsonSchemaProps {
  return {
    type: 'object',
    description: 'A market-data feed: a publisher with SHM consumers in one pod, a TCP feed Service and TCP consumers.',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: marketFeedSpecOpenApi(),
      status: toStructuralSchema(MarketFeedStatusSchema),
    },
  };
}

/** The CustomResourceDefinition object (apiextensions.k8s.io/v1). */
export function marketFeedCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${MARKETFEED_PLURAL}.${MARKETFEED_GROUP}`,
      labels: { 'app.kubernetes.io/name': 'marketfeed', 'app.kubernetes.io/part-of': 'marketfeed', 'app.kubernetes.io/component': 'operator' },
    },
    spec: {
      group: MARKETFEED_GROUP,
      scope: 'Namespaced',
      names: {
        kind: MARKETFEED_KIND,
        listKind: `${MARKETFEED_KIND}List`,
        plural: MARKETFEED_PLURAL,
        singular: MARKETFEED_SINGULAR,
        shortNames: [MARKETFEED_SHORT_NAME],
        categories: ['all', 'marketfeed'],
      },
      versions: [
        {
          name: MARKETFEED_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: marketFeedOpenApiSchema() },
          subresources: {
            status: {},
            scale: {
              specReplicasPath: '.spec.tcpConsumers.replicas',
              statusReplicasPath: '.status.tcpConsumerReplicas',
              labelSelectorPath: '.status.selector',
            },
          },
          additionalPrinterColumns: PRINTER_COLUMNS,
        },
      ],
    },
  };
}
