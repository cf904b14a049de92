// spec.slo and status.health in the CRD: bounded (every field has limits, strings a
// maxLength), validated the same by the API server's schema and validateSpec, the status
// the health loop writes is accepted, and the printer columns point at real fields.
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { HEALTH_PRINTER_COLUMNS } from '../../cdk8s/api/feed-health-types.ts';
import { marketFeedCrd } from '../../cdk8s/api/marketfeed-crd.ts';
import { CONDITION_TYPES, MarketFeedStatusSchema, validateSpec } from '../../cdk8s/api/marketfeed-types.ts';
import { openApiProblems, type OpenApiSchema } from '../kube/openapi-schema.ts';

const version = (marketFeedCrd().spec as { versions: Array<{ schema: { openAPIV3Schema: OpenApiSchema }; additionalPrinterColumns: Array<{ name: string; jsonPath: string }> }> }).versions[0];
const properties = version.schema.openAPIV3Schema.properties as Record<string, OpenApiSchema>;
const specSchema = properties.spec;
const statusSchema = properties.status;
const child = (schema: OpenApiSchema, name: string): OpenApiSchema => (schema.properties as Record<string, OpenApiSchema>)[name];

describe('spec.slo', () => {
  it('is in the CRD with bounded integer objectives, all optional', () => {
    const slo = child(specSchema, 'slo');
    expect(slo.type).toBe('object');
    expect(slo.required).toBeUndefined();
    for (const name of ['maxP99Micros', 'maxGapsPerMinute', 'minRecordsPerSecond']) {
      expect(child(slo, name).type, name).toBe('integer');
      expect(typeof child(slo, name).minimum, name).toBe('number');
      expect(typeof child(slo, name).maximum, name).toBe('number');
    }
    expect(openApiProblems(specSchema, { slo: {} })).toEqual([]);
    expect(validateSpec({ slo: { maxP99Micros: 50, maxGapsPerMinute: 0, minRecordsPerSecond: 1000 } })).toEqual([]);
  });

  it.each([{ maxP99Micros: 0 }, { maxP99Micros: 61_000_000 }, { maxGapsPerMinute: -1 }, { minRecordsPerSecond: 1.5 }, { maxP99Micros: '10' }])(
    'rejects slo %j in the CRD schema and in validateSpec',
    (slo) => {
      expect(openApiProblems(specSchema, { slo })).not.toEqual([]);
      expect(validateSpec({ slo })).not.toEqual([]);
    },
  );

  it('rejects unknown objectives in validateSpec (the API server prunes them)', () => {
    expect(validateSpec({ slo: { maxP50Micros: 1 } })).not.toEqual([]);
  });
});

describe('status.health', () => {
  const status = {
    conditions: [{ type: 'Healthy', status: 'False', reason: 'SloP99Exceeded', message: 'outside spec.slo: p99 latency 130 µs > 100 µs', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 2 }],
    health: { recordsPerSecond: 99_000, p99LatencyMicros: 130, gapsPerMinute: 0.5, gapsTotal: 3, tcpSubscribers: 4, endpoints: 5, failedEndpoints: 0, lastScrapeTime: '2026-01-01T00:00:00Z' },
  };

  it('accepts what the health loop writes, in the CRD schema and the TypeBox schema', () => {
    expect(openApiProblems(statusSchema, status)).toEqual([]);
    expect(Value.Check(MarketFeedStatusSchema, status)).toBe(true);
    expect(CONDITION_TYPES).toContain('Healthy');
  });

  it('bounds its only string', () => {
    expect(child(child(statusSchema, 'health'), 'lastScrapeTime')).toMatchObject({ type: 'string', format: 'date-time', maxLength: 64 });
  });

  it('has printer columns that point at status fields', () => {
    const names = version.additionalPrinterColumns.map((column) => column.name);
    for (const column of HEALTH_PRINTER_COLUMNS) {
      expect(names).toContain(column.name);
      const match = /^\.status\.health\.(\w+)$/.exec(column.jsonPath);
      if (match !== null) expect(child(child(statusSchema, 'health'), match[1]), column.jsonPath).toBeDefined();
    }
  });
});
