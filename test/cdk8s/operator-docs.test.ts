// docs/operator.md and examples/argocd-application.yaml stay in step with the API and the
// chart: every spec and status field, CEL rule and printer column is documented, and the
// Argo CD example points at the chart with values the chart has.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { TSchema } from '@sinclair/typebox';
import { PRINTER_COLUMNS } from '../../cdk8s/api/marketfeed-crd.ts';
import { CROSS_FIELD_RULES, MarketFeedSpecSchema, MarketFeedStatusSchema } from '../../cdk8s/api/marketfeed-types.ts';
import { defaultChartValues } from '../../cdk8s/chart/render-chart.ts';

const root = path.join(import.meta.dirname, '..', '..');
const docs = readFileSync(path.join(root, 'docs', 'operator.md'), 'utf8');

/** Dotted paths of the leaves (and lists of objects as `name[].field`) of an object schema. */
function fieldPaths(schema: TSchema, prefix = ''): string[] {
  const properties = (schema.properties ?? {}) as Record<string, TSchema>;
  return Object.entries(properties).flatMap(([name, child]) => {
    const here = `${prefix}${name}`;
    if (child.type === 'object' && child.properties !== undefined && Object.keys(child.properties as object).length > 0) return fieldPaths(child, `${here}.`);
    if (child.type === 'array' && (child.items as TSchema).type === 'object' && here === 'shmConsumers') return fieldPaths(child.items as TSchema, `${here}[].`);
    return [here];
  });
}

describe('docs/operator.md', () => {
  it('documents every spec field', () => {
    for (const field of fieldPaths(MarketFeedSpecSchema)) expect(docs, field).toContain(`\`${field}\``);
  });

  it('documents every status field', () => {
    for (const field of fieldPaths(MarketFeedStatusSchema)) expect(docs, field).toContain(`\`${field.replace(/\..*/, '')}`);
  });

  it('documents every CEL rule by its field, and the printer columns', () => {
    for (const rule of CROSS_FIELD_RULES) expect(docs, rule.fieldPath).toContain(`| \`${rule.fieldPath.slice(1)}\` |`);
    for (const column of PRINTER_COLUMNS) expect(docs, column.name).toContain(column.name.toUpperCase());
  });
});

describe('examples/argocd-application.yaml', () => {
  it('installs the chart of this repository with values the chart knows', () => {
    const application = YAML.parse(readFileSync(path.join(root, 'examples', 'argocd-application.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      spec: { source: { path: string; helm: { valuesObject: Record<string, unknown> } }; destination: { namespace: string } };
    };
    expect(application.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(application.kind).toBe('Application');
    expect(existsSync(path.join(root, application.spec.source.path, 'Chart.yaml'))).toBe(true);
    const defaults = defaultChartValues() as unknown as Record<string, unknown>;
    for (const key of Object.keys(application.spec.source.helm.valuesObject)) expect(defaults, key).toHaveProperty(key);
    // The objects go to destination.namespace, the release namespace: the chart's default (empty) is left alone.
    expect(defaults.namespace).toBe('');
    expect(application.spec.source.helm.valuesObject).not.toHaveProperty('namespace');
    expect(application.spec.destination.namespace).toBe('marketfeed-system');
  });
});
