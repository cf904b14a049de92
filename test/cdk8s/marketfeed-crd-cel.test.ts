// The MarketFeed CRD as Kubernetes 1.25 and later judge it: the server accepts it (rule
// fields, 1.25 CEL environment, estimated costs, defaults checked raw by schema and CEL),
// every string, list and map is bounded, and the CRD's own CEL rules, run with @bufbuild/cel,
// accept and refuse what their TypeScript mirrors (`holds`, used by validateSpec) do.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marketFeedOpenApiSchema, marketFeedSpecOpenApi } from '../../cdk8s/api/marketfeed-crd.ts';
import { marketFeedCrd } from '../../cdk8s/api/marketfeed-crd.ts';
import {
  CROSS_FIELD_RULES,
  LAST_FEED_POD_METRICS_PORT,
  MAX_SHM_CONSUMERS,
  PUBLISHER_METRICS_PORT,
  withDefaults,
  type MarketFeedSpec,
} from '../../cdk8s/api/marketfeed-types.ts';
import { PER_RULE_COST_LIMIT, ruleCosts, unboundedNodes } from '../kube/cel-cost.ts';
import { celRuleProblems, ruleFailure } from '../kube/cel-rules.ts';
import { crdProblems } from '../kube/crd-validation.ts';
import { openApiProblems, type OpenApiSchema } from '../kube/openapi-schema.ts';

const specSchema = marketFeedSpecOpenApi();
const ruleByMessage = new Map(CROSS_FIELD_RULES.map((rule) => [rule.message, rule]));

/** The messages of the CRD's rules that fail on a (defaulted) spec, run by @bufbuild/cel. */
function celFailures(spec: unknown): string[] {
  return CROSS_FIELD_RULES.filter((rule) => ruleFailure(rule, specSchema, spec) !== undefined).map((rule) => rule.message);
}

describe('the MarketFeed CRD on Kubernetes 1.25 and later', () => {
  it('is accepted by apiextensions: rule fields, CEL environment, costs, raw defaults', () => {
    expect(crdProblems(marketFeedCrd())).toEqual([]);
  });

  it('emits only rule and message in its validation rules', () => {
    for (const rule of specSchema['x-kubernetes-validations'] as object[]) expect(Object.keys(rule).sort()).toEqual(['message', 'rule']);
  });

  it('bounds every string, list and map of the spec and status', () => {
    const properties = marketFeedOpenApiSchema().properties as Record<string, OpenApiSchema>;
    expect(unboundedNodes(properties.spec, '.spec')).toEqual([]);
    expect(unboundedNodes(properties.status, '.status')).toEqual([]);
  });

  it('keeps each rule cheap: estimated cost at most 1000 (the server allows 10^7), run once per object', () => {
    const costs = ruleCosts(marketFeedOpenApiSchema());
    expect(costs).toHaveLength(CROSS_FIELD_RULES.length);
    for (const cost of costs) {
      expect(cost.cardinality, cost.rule).toBe(1);
      expect(cost.total, cost.rule).toBeLessThanOrEqual(1000);
      expect(cost.total).toBeLessThan(PER_RULE_COST_LIMIT);
    }
  });

  it('documents the estimated cost of each rule as computed (docs/operator.md)', () => {
    const docs = readFileSync(new URL('../../docs/operator.md', import.meta.url), 'utf8');
    const table = docs.slice(docs.indexOf('| rule | estimated cost |'));
    const documented = [...table.matchAll(/^\| `[^`]+` \| (\d+) \|$/gm)].slice(0, CROSS_FIELD_RULES.length).map((match) => Number(match[1]));
    expect(documented).toEqual(ruleCosts(marketFeedOpenApiSchema()).map((cost) => cost.total));
  });

  it('has a default spec that passes the schema and every rule as written', () => {
    const defaults = specSchema.default;
    expect(defaults).toEqual(withDefaults({}));
    expect(openApiProblems(specSchema, defaults)).toEqual([]);
    expect(celRuleProblems(specSchema, defaults, 'spec')).toEqual([]);
  });
});

describe("the CRD's CEL rules, run with @bufbuild/cel", () => {
  it('accept the defaults and a full valid spec', () => {
    expect(celFailures(withDefaults({}))).toEqual([]);
    const full = withDefaults({
      instruments: { symbols: ['EURUSD'] },
      ringCapacity: 1 << 20,
      shmSizeMi: 65,
      tcp: { port: 7001, encodings: ['json'] },
      shmConsumers: [{ name: 'a' }],
      tcpConsumers: { replicas: 3, encoding: 'json' },
      resources: { cpus: '2000m', memoryMi: 512 },
    });
    expect(celFailures(full)).toEqual([]);
  });

  it('refuse each broken rule with its own message, and nothing else', () => {
    const cases: [object, string][] = [
      [{ instruments: { symbols: ['A'], count: 3 } }, 'instruments: set exactly one of symbols or count'],
      [{ instruments: {} }, 'instruments: set exactly one of symbols or count'],
      [{ ringCapacity: 1000 }, 'ringCapacity must be a power of two'],
      [{ ringCapacity: 1 << 20, shmSizeMi: 64, resources: { memoryMi: 1024 } }, 'shmSizeMi is too small for the ring: it needs ringCapacity * 64 bytes + 64 KiB of header'],
      [{ shmSizeMi: 300 }, "resources.memoryMi must be at least shmSizeMi + 32: the publisher's memory limit is charged for the ring's tmpfs pages"],
      [{ resources: { cpus: 0 } }, 'resources.cpus must be a whole number of CPUs from 1 to 256 (exclusive cores need integer requests = limits)'],
      [{ resources: { cpus: 257 } }, 'resources.cpus must be a whole number of CPUs from 1 to 256 (exclusive cores need integer requests = limits)'],
      [{ resources: { cpus: '1500m' } }, 'resources.cpus must be a whole number of CPUs from 1 to 256 (exclusive cores need integer requests = limits)'],
      [{ resources: { cpus: 'lots' } }, 'resources.cpus must be a whole number of CPUs from 1 to 256 (exclusive cores need integer requests = limits)'],
      [{ shmConsumers: [{ name: 'a' }], shmConsumerCount: 2 }, 'set shmConsumers or shmConsumerCount, not both'],
      [{ tcp: { encodings: ['json'] } }, 'tcpConsumers.encoding must be one of tcp.encodings'],
      [{ tcp: { port: 9105 } }, "tcp.port must not be one of the feed pod's metrics ports 9100-9116"],
    ];
    for (const [input, message] of cases) {
      const spec = withDefaults(input);
      expect(celFailures(spec), JSON.stringify(input)).toEqual([message]);
      expect(ruleByMessage.get(message)?.holds(spec), message).toBe(false);
    }
  });

  it('report a missing field as the server does, instead of failing silently', () => {
    const rule = CROSS_FIELD_RULES[0];
    expect(rule === undefined ? undefined : ruleFailure(rule, specSchema, {})).toBe(`no such key: instruments evaluating rule: ${rule?.message ?? ''}`);
  });
});

const symbol = fc.stringMatching(/^[A-Z][A-Z0-9.]{0,11}$/);
/** Specs that pass the per-field schema, with values near every rule's edges. */
const schemaValidSpec: fc.Arbitrary<MarketFeedSpec> = fc
  .record({
    instruments: fc.oneof(
      fc.record({ count: fc.integer({ min: 1, max: 1_000_000 }) }),
      fc.record({ symbols: fc.uniqueArray(symbol, { minLength: 1, maxLength: 4 }) }),
      fc.record({ count: fc.integer({ min: 1, max: 10 }), symbols: fc.uniqueArray(symbol, { minLength: 1, maxLength: 2 }) }),
      fc.constant({}),
    ),
    ringCapacity: fc.oneof(fc.integer({ min: 1, max: 26 }).map((exponent) => 2 ** exponent), fc.integer({ min: 2, max: 1 << 26 })),
    shmSizeMi: fc.integer({ min: 1, max: 65_536 }),
    memoryMi: fc.integer({ min: 32, max: 1_048_576 }),
    cpus: fc.oneof(
      fc.integer({ min: -2, max: 300 }),
      fc.integer({ min: -2, max: 300 }).map(String),
      fc.integer({ min: -2, max: 300 }).map((cpus) => `${cpus * 1000}m`),
      fc.constantFrom('1500m', '0.5', '2.0', '02', ' 2', 'lots', '1e1', '', '256000m', '257000m'),
    ),
    consumers: fc.oneof(
      fc.constant({}),
      fc.record({ shmConsumerCount: fc.integer({ min: 0, max: MAX_SHM_CONSUMERS }) }),
      fc.record({ shmConsumers: fc.constant([{ name: 'a' }]) }),
      fc.record({ shmConsumers: fc.constant([{ name: 'a' }]), shmConsumerCount: fc.integer({ min: 0, max: MAX_SHM_CONSUMERS }) }),
    ),
    port: fc.oneof(fc.integer({ min: 1, max: 65_535 }), fc.integer({ min: PUBLISHER_METRICS_PORT - 2, max: LAST_FEED_POD_METRICS_PORT + 2 })),
    encodings: fc.constantFrom<('binary' | 'json')[]>(['binary'], ['json'], ['binary', 'json']),
    encoding: fc.constantFrom('binary' as const, 'json' as const),
  })
  .map((draw) =>
    withDefaults({
      instruments: draw.instruments,
      ringCapacity: draw.ringCapacity,
      shmSizeMi: draw.shmSizeMi,
      resources: { cpus: draw.cpus, memoryMi: draw.memoryMi },
      ...draw.consumers,
      tcp: { port: draw.port, encodings: draw.encodings },
      tcpConsumers: { encoding: draw.encoding },
    }),
  );

describe('CEL rules and their TypeScript mirrors (fast-check)', () => {
  it('agree on every generated spec that passes the per-field schema', () => {
    fc.assert(
      fc.property(schemaValidSpec, (spec) => {
        expect(openApiProblems(specSchema, spec)).toEqual([]);
        for (const rule of CROSS_FIELD_RULES) {
          expect(ruleFailure(rule, specSchema, spec) === undefined, `${rule.message} on ${JSON.stringify(spec)}`).toBe(rule.holds(spec));
        }
      }),
      { numRuns: 300 },
    );
  });
});
