// A few of the defaults a real API server fills in on every write (Service, Deployment, pod
// template, NetworkPolicy), so that code comparing its desired objects with live ones meets
// the same extra fields it would meet on a cluster. Defaulted fields are owned by no manager.
// Turned off with `startTestApiServer({ defaulting: false })`.
import { isPlainObject } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';
import type { ResourceType } from './resource-registry.ts';

type Obj = Record<string, unknown>;

function setDefault(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

function mapAt(target: Obj, key: string): Obj | undefined {
  const value = target[key];
  return isPlainObject(value) ? value : undefined;
}

function objects(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

function defaultProbe(probe: Obj | undefined): void {
  if (probe === undefined) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  const httpGet = mapAt(probe, 'httpGet');
  if (httpGet !== undefined) setDefault(httpGet, 'scheme', 'HTTP');
}

function defaultContainer(container: Obj): void {
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  const image = typeof container.image === 'string' ? container.image : '';
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  setDefault(container, 'imagePullPolicy', tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent');
  setDefault(container, 'resources', {});
  for (const port of objects(container.ports)) setDefault(port, 'protocol', 'TCP');
  defaultProbe(mapAt(container, 'livenessProbe'));
  defaultProbe(mapAt(container, 'readinessProbe'));
  defaultProbe(mapAt(container, 'startupProbe'));
}

export function defaultPodSpec(spec: Obj | undefined): void {
  if (spec === undefined) return;
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const container of [...objects(spec.containers), ...objects(spec.initContainers)]) defaultContainer(container);
}

export class Defaulter {
  private nextServiceIp = 1;

  /**
   * Fills defaults into `object` (in place) for the kinds this server knows defaults of.
   * `previous` (on updates) keeps what the server allocated: a Service keeps its clusterIP.
   */
  apply(type: ResourceType, object: KubeObject, previous?: KubeObject): void {
    const spec = mapAt(object, 'spec');
    if (spec === undefined || type.custom) return;
    const key = `${type.group}/${type.kind}`;
    if (key === '/Service') {
      const before = previous === undefined ? undefined : mapAt(previous, 'spec');
      if (spec.clusterIP === undefined && before?.clusterIP !== undefined && (spec.type ?? 'ClusterIP') === (before.type ?? 'ClusterIP')) {
        spec.clusterIP = before.clusterIP;
        setDefault(spec, 'clusterIPs', before.clusterIPs);
      }
      this.defaultService(spec);
    }
    else if (key === 'apps/Deployment') defaultDeployment(spec);
    else if (key === '/Pod') defaultPodSpec(spec);
    else if (key === 'networking.k8s.io/NetworkPolicy') defaultNetworkPolicy(spec);
  }

  private defaultService(spec: Obj): void {
    setDefault(spec, 'type', 'ClusterIP');
    setDefault(spec, 'sessionAffinity', 'None');
    if (spec.type !== 'ExternalName') {
      if (spec.clusterIP === undefined) {
        const n = this.nextServiceIp++;
        spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      }
      setDefault(spec, 'clusterIPs', spec.clusterIP === 'None' ? ['None'] : [spec.clusterIP]);
      setDefault(spec, 'ipFamilies', ['IPv4']);
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    }
    for (const port of objects(spec.ports)) {
      setDefault(port, 'protocol', 'TCP');
      setDefault(port, 'targetPort', port.port);
    }
  }
}

function defaultDeployment(spec: Obj): void {
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  setDefault(spec, 'strategy', { type: 'RollingUpdate' });
  const strategy = mapAt(spec, 'strategy');
  if (strategy !== undefined && (strategy.type ?? 'RollingUpdate') === 'RollingUpdate') {
    setDefault(strategy, 'type', 'RollingUpdate');
    setDefault(strategy, 'rollingUpdate', { maxUnavailable: '25%', maxSurge: '25%' });
  }
  const template = mapAt(spec, 'template');
  if (template !== undefined) defaultPodSpec(mapAt(template, 'spec'));
}

function defaultNetworkPolicy(spec: Obj): void {
  setDefault(spec, 'policyTypes', spec.egress === undefined ? ['Ingress'] : ['Ingress', 'Egress']);
  for (const rule of [...objects(spec.ingress), ...objects(spec.egress)]) {
    for (const port of objects(rule.ports)) setDefault(port, 'protocol', 'TCP');
  }
}
