// OperatorInstall and `cdk8s synth`'s app: every install object validates against the
// Kubernetes 1.34 schemas (kubernetes-models), RBAC is least-privilege, and the operator
// Deployment, metrics Service and PodDisruptionBudget fit together.
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { OWNED_KINDS } from '../../cdk8s/feed/desired-objects.ts';
import { OperatorInstall } from '../../cdk8s/install/operator-install.ts';
import { EXAMPLE_MARKETFEED_PATH, installApp } from '../../cdk8s/main.ts';
import { validateKubernetesObject } from './helpers/kubernetes-models.ts';
import { deploymentNamed, selects } from './helpers/feed-objects.ts';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function install(props: ConstructorParameters<typeof OperatorInstall>[2] = {}): KubeObject[] {
  const chart = new Chart(new App(), 'install', { disableResourceNameHashes: true });
  new OperatorInstall(chart, 'install', props);
  return chart.toJson() as KubeObject[];
}

function find(objects: KubeObject[], kind: string, name?: string): KubeObject & Record<string, unknown> {
  const found = objects.find((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
  if (found === undefined) throw new Error(`no ${kind} ${name ?? ''}`);
  return found;
}

describe('OperatorInstall', () => {
  const objects = install();

  it('has the CRD, RBAC, Deployment, metrics Service and PDB, all valid for Kubernetes 1.34', () => {
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'CustomResourceDefinition/marketfeeds.marketfeed.dev',
      'ServiceAccount/marketfeed-operator',
      'ClusterRole/marketfeed-operator',
      'ClusterRoleBinding/marketfeed-operator',
      'Role/marketfeed-operator-leader-election',
      'RoleBinding/marketfeed-operator-leader-election',
      'Deployment/marketfeed-operator',
      'Service/marketfeed-operator-metrics',
      'PodDisruptionBudget/marketfeed-operator',
    ]);
    for (const object of objects) expect(() => validateKubernetesObject(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
  });

  it('grants only what the operator uses: no wildcards, no secrets, leases only in its namespace', () => {
    const rules = find(objects, 'ClusterRole').rules as Rule[];
    const flat = rules.flatMap((rule) => rule.apiGroups.flatMap((group) => rule.resources.map((resource) => ({ group, resource, verbs: rule.verbs }))));
    expect(JSON.stringify(rules)).not.toContain('*');
    expect(flat.map((entry) => entry.resource)).not.toContain('secrets');
    expect(flat.find((entry) => entry.resource === 'marketfeeds')?.verbs).toEqual(['get', 'list', 'watch']);
    expect(flat.find((entry) => entry.resource === 'marketfeeds/status')?.verbs).toEqual(['get', 'update', 'patch']);
    expect(flat.find((entry) => entry.resource === 'marketfeeds/scale')?.verbs).toEqual(['get']);
    for (const kind of OWNED_KINDS) {
      expect(flat.find((entry) => entry.group === kind.group && entry.resource === kind.plural)?.verbs, kind.kind).toEqual([
        'get', 'list', 'watch', 'create', 'update', 'patch', 'delete',
      ]);
    }
    // Rollout revisions: kept, read back for a rollback, pruned; never listed or watched.
    expect(flat.find((entry) => entry.group === 'apps' && entry.resource === 'controllerrevisions')?.verbs).toEqual(['get', 'create', 'delete']);
    expect(flat.filter((entry) => entry.resource === 'events').map((entry) => entry.group)).toEqual(['', 'events.k8s.io']);
    expect(flat.some((entry) => entry.resource === 'leases')).toBe(false);
    // Pods are only read (their IPs, for the health scrapes).
    expect(flat.filter((entry) => entry.resource === 'pods')).toEqual([{ group: '', resource: 'pods', verbs: ['list', 'watch'] }]);
    const role = find(objects, 'Role');
    expect(role.metadata.namespace).toBe('marketfeed-system');
    expect(role.rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update', 'patch'] }]);
    for (const binding of [find(objects, 'ClusterRoleBinding'), find(objects, 'RoleBinding')]) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'marketfeed-operator', namespace: 'marketfeed-system' }]);
    }
  });

  it('runs two leader-electing replicas as the ServiceAccount, probed on the metrics port', () => {
    const deployment = deploymentNamed(objects, 'marketfeed-operator');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec as typeof deployment.spec.template.spec & { serviceAccountName: string; automountServiceAccountToken: boolean };
    expect(pod.serviceAccountName).toBe('marketfeed-operator');
    expect(pod.automountServiceAccountToken).toBe(true);
    const [container] = pod.containers;
    expect(container?.args).toEqual(['operator', '--leader-elect', '--metrics-port', '9090']);
    expect(container?.imagePullPolicy).toBe('IfNotPresent');
    expect(container?.startupProbe).toBeUndefined();
    expect(container?.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 9090 });
    expect(container?.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 9090 });
    expect(container?.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext).toMatchObject({ seccompProfile: { type: 'RuntimeDefault' } });
    const podLabels = deployment.spec.template.metadata.labels;
    expect(selects(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(podLabels['cdk8s.io/metadata.addr']).toBeUndefined();
    const service = find(objects, 'Service') as unknown as { spec: { selector: Record<string, string>; ports: { port: number }[] } };
    expect(selects(service.spec.selector, podLabels)).toBe(true);
    expect(service.spec.ports.map((port) => port.port)).toEqual([9090]);
    const pdb = find(objects, 'PodDisruptionBudget') as unknown as { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } };
    expect(pdb.spec.minAvailable).toBe(1);
    expect(selects(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
  });

  it('takes its settings from props', () => {
    const custom = install({ namespace: 'ops', replicas: 3, leaderElection: false, image: 'example.com/mf:2', imagePullPolicy: 'Always', includeCrd: false });
    expect(custom.some((object) => object.kind === 'CustomResourceDefinition')).toBe(false);
    const deployment = deploymentNamed(custom, 'marketfeed-operator');
    expect(deployment.metadata.namespace).toBe('ops');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({ image: 'example.com/mf:2', imagePullPolicy: 'Always', args: ['operator', '--no-leader-elect', '--metrics-port', '9090'] });
  });
});

describe('the synth app (cdk8s/main.ts)', () => {
  it('has the namespace, the install and the example feed, in apply order, all valid', () => {
    const app = installApp();
    const [namespace, operator, example] = app.charts.map((chart) => chart.toJson() as KubeObject[]);
    expect(namespace?.map((object) => object.kind)).toEqual(['Namespace']);
    expect(namespace?.[0]?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(operator).toEqual(install());
    expect(example).toEqual([YAML.parse(readFileSync(EXAMPLE_MARKETFEED_PATH, 'utf8'))]);
    for (const object of [...(namespace ?? []), ...(operator ?? [])]) validateKubernetesObject(object);
  });
});
