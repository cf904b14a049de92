// The Helm chart charts/marketfeed-operator/ is rendered from the OperatorInstall construct
// (cdk8s/chart/render-chart.ts). No helm binary here, so this file carries a minimal
// evaluator for exactly the template expressions the renderer writes, and checks:
// rendering again gives the committed files; the templates with values.yaml's defaults give
// exactly `cdk8s synth`'s install manifests; with other values, exactly what the construct
// gives for the same settings.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Chart } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { marketFeedCrd } from '../../cdk8s/api/marketfeed-crd.ts';
import { CHART_DIRECTORY, defaultChartValues, renderChart, type ChartValues } from '../../cdk8s/chart/render-chart.ts';
import { OperatorInstall } from '../../cdk8s/install/operator-install.ts';
import { installApp } from '../../cdk8s/main.ts';
import { validateKubernetesObject } from '../cdk8s/helpers/kubernetes-models.ts';

type Values = ChartValues;
interface Context {
  Values: Values;
  Release: { Namespace: string };
}

function lookup(context: Context, reference: string): unknown {
  if (!reference.startsWith('.')) throw new Error(`template: unsupported term ${reference}`);
  let value: unknown = context;
  for (const key of reference.slice(1).split('.')) {
    if (typeof value !== 'object' || value === null || !(key in value)) throw new Error(`template: no value at ${reference}`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function evaluate(context: Context, expression: string): string {
  const [head, ...pipes] = expression.split(' | ').map((part) => part.trim());
  let value = lookup(context, head ?? '');
  for (const pipe of pipes) {
    const [fn, ...args] = pipe.split(/\s+/);
    if (fn === 'quote') value = JSON.stringify(String(value));
    else if (fn === 'default' && args.length === 1) value = value === '' || value === undefined || value === null ? lookup(context, args[0] ?? '') : value;
    else throw new Error(`template: unsupported function ${pipe}`);
  }
  return String(value);
}

/** Renders the `{{ }}` forms render-chart.ts writes; anything else throws. */
function renderTemplate(text: string, context: Context): string {
  const branched = text.replace(/\{\{ if (\S+) \}\}(.*?)\{\{ else \}\}(.*?)\{\{ end \}\}/g, (_, condition: string, yes: string, no: string) =>
    lookup(context, condition) === true ? yes : no,
  );
  return branched.replace(/\{\{-? (.+?) -?\}\}/g, (_, expression: string) => evaluate(context, expression));
}

function byKindAndName(objects: KubeObject[]): KubeObject[] {
  return [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

/** What `helm template` would give: the CRDs of crds/ and the rendered templates. */
function helmTemplate(values: Values, releaseNamespace = 'marketfeed-system'): KubeObject[] {
  const files = renderChart();
  const objects: KubeObject[] = [];
  for (const [file, content] of files) {
    if (file.startsWith('crds/')) objects.push(...YAML.parseAllDocuments(content).map((document) => document.toJS() as KubeObject));
    if (file.startsWith('templates/')) {
      const rendered = renderTemplate(content, { Values: values, Release: { Namespace: releaseNamespace } });
      objects.push(...YAML.parseAllDocuments(rendered).map((document) => document.toJS() as KubeObject));
    }
  }
  return byKindAndName(objects);
}

function listFiles(directory: string, prefix = ''): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(directory, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

const outdir = mkdtempSync(path.join(tmpdir(), 'marketfeed-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('charts/marketfeed-operator', () => {
  it('is what render-chart.ts renders now (run `npx node cdk8s/chart/render-chart.ts` after changing the constructs)', () => {
    const files = renderChart();
    expect(listFiles(CHART_DIRECTORY).sort()).toEqual([...files.keys()].sort());
    for (const [file, content] of files) expect(readFileSync(path.join(CHART_DIRECTORY, file), 'utf8'), file).toBe(content);
  });

  it("has values.yaml with the construct's defaults, but the release namespace", () => {
    const values = YAML.parse(readFileSync(path.join(CHART_DIRECTORY, 'values.yaml'), 'utf8')) as unknown;
    expect(values).toEqual(defaultChartValues());
    expect(values).toMatchObject({ image: { repository: expect.any(String) as string, tag: expect.any(String) as string, pullPolicy: 'IfNotPresent' }, replicas: 2, leaderElection: { enabled: true } });
  });

  it("with the default values, gives exactly `cdk8s synth`'s install manifests", () => {
    installApp({ outdir }).synth();
    expect(readdirSync(outdir).filter((file) => file.endsWith('.k8s.yaml')).sort()).toEqual([
      '0000-namespace.k8s.yaml',
      '0001-marketfeed-operator.k8s.yaml',
      '0002-example-marketfeed.k8s.yaml',
    ]);
    const synthesized = YAML.parseAllDocuments(readFileSync(path.join(outdir, '0001-marketfeed-operator.k8s.yaml'), 'utf8')).map(
      (document) => document.toJS() as KubeObject,
    );
    const values = YAML.parse(readFileSync(path.join(CHART_DIRECTORY, 'values.yaml'), 'utf8')) as Values;
    expect(helmTemplate(values)).toEqual(byKindAndName(synthesized));
  });

  it('with the default values, `helm install -n NS --create-namespace` puts every object in NS (the release namespace), which Helm creates', () => {
    const values = YAML.parse(readFileSync(path.join(CHART_DIRECTORY, 'values.yaml'), 'utf8')) as Values;
    expect(values.namespace).toBe('');
    const objects = helmTemplate(values, 'team-a');
    const namespaced = objects.filter((object) => object.metadata.namespace !== undefined);
    expect(namespaced.map((object) => object.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    expect(namespaced.every((object) => object.metadata.namespace === 'team-a')).toBe(true);
    const bindings = objects.filter((object) => object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding') as unknown as { subjects: { namespace: string }[] }[];
    expect(bindings.flatMap((binding) => binding.subjects.map((subject) => subject.namespace))).toEqual(['team-a', 'team-a']);
    // The chart creates no Namespace: that is `--create-namespace`'s job (Helm's convention).
    expect(objects.some((object) => object.kind === 'Namespace')).toBe(false);
  });

  it('with other values, gives what the construct gives for the same settings', () => {
    const cases: Values[] = [
      {
        namespace: 'ops',
        image: { repository: 'registry.example.com/mf', tag: '1.2.3', pullPolicy: 'Always' },
        replicas: 1,
        leaderElection: { enabled: false },
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      },
      { ...defaultChartValues(), namespace: '' },
    ];
    for (const values of cases) {
      const namespace = values.namespace === '' ? 'release-ns' : values.namespace;
      const app = new App();
      const chart = new Chart(app, 'install', { disableResourceNameHashes: true });
      new OperatorInstall(chart, 'install', {
        includeCrd: false,
        namespace,
        image: `${values.image.repository}:${values.image.tag}`,
        imagePullPolicy: values.image.pullPolicy,
        replicas: values.replicas,
        leaderElection: values.leaderElection.enabled,
        resources: values.resources,
      });
      const expected = byKindAndName([marketFeedCrd(), ...(chart.toJson() as KubeObject[])].map((object) => structuredClone(object)));
      expect(helmTemplate(values, 'release-ns')).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  it('renders objects that validate against the Kubernetes 1.34 schemas', () => {
    for (const object of helmTemplate(defaultChartValues())) expect(() => validateKubernetesObject(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
  });

  it('has a template evaluator that refuses what it does not know', () => {
    const context = { Values: defaultChartValues(), Release: { Namespace: 'x' } };
    expect(() => renderTemplate('a: {{ .Values.missing }}', context)).toThrow(/no value/);
    expect(() => renderTemplate('a: {{ .Values.replicas | upper }}', context)).toThrow(/unsupported/);
    expect(renderTemplate('a: {{ .Values.namespace | default .Release.Namespace }}', { ...context, Values: { ...context.Values, namespace: '' } })).toBe('a: x');
  });
});
