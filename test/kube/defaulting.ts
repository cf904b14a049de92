// The defaults a real API server fills in on every write for the kinds the operator owns
// (Service, Deployment, DaemonSet, pod template, Pod, NetworkPolicy; k8s.io/kubernetes
// pkg/apis/*/v1/defaults.go), so that code comparing its desired objects with live ones meets
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
  if (httpGet !== undefined) {
    setDefault(httpGet, 'path', '/');
    setDefault(httpGet, 'scheme', 'HTTP');
  }
}

function defaultContainer(container: Obj): void {
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  const image = typeof container.image === 'string' ? container.image : '';
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  setDefault(container, 'imagePullPolicy', tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent');
  setDefault(container, 'resources', {});
  for (const port of objects(container.ports)) setDefault(port, 'protocol', 'TCP');
  for (const env of objects(container.env)) {
    const fieldRef = mapAt(mapAt(env, 'valueFrom') ?? {}, 'fieldRef');
    if (fieldRef !== undefined) setDefault(fieldRef, 'apiVersion', 'v1');
  }
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
  const containers = [...objects(spec.containers), ...objects(spec.initContainers)];
  for (const container of containers) defaultContainer(container);
  if (spec.hostNetwork === true) {
    for (const port of containers.flatMap((container) => objects(container.ports))) setDefault(port, 'hostPort', port.containerPort);
  }
  for (const volume of objects(spec.volumes)) defaultVolume(volume);
}

function defaultVolume(volume: Obj): void {
  const sources = Object.keys(volume).filter((key) => key !== 'name');
  if (sources.length === 0) volume.emptyDir = {};
  for (const source of ['configMap', 'secret', 'projected', 'downwardAPI']) {
    const value = mapAt(volume, source);
    if (value !== undefined) setDefault(value, 'defaultMode', 0o644);
  }
}

/** Only for Pods themselves, not pod templates (SetDefaults_Pod). */
function defaultPod(spec: Obj): void {
  defaultPodSpec(spec);
  setDefault(spec, 'enableServiceLinks', true);
  for (const container of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    const resources = mapAt(container, 'resources');
    const limits = resources === undefined ? undefined : mapAt(resources, 'limits');
    if (resources === undefined || limits === undefined) continue;
    const requests = mapAt(resources, 'requests') ?? {};
    for (const [name, value] of Object.entries(limits)) setDefault(requests, name, value);
    resources.requests = requests;
  }
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
    else if (key === 'apps/DaemonSet') defaultDaemonSet(spec);
    else if (key === '/Pod') defaultPod(spec);
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
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
    if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    for (const port of objects(spec.ports)) {
      setDefault(port, 'protocol', 'TCP');
      setDefault(port, 'targetPort', port.port);
    }
  }
}

/** A RollingUpdate strategy (also when none is given) with its unset bounds filled in. */
function defaultRollingUpdate(spec: Obj, field: 'strategy' | 'updateStrategy', maxUnavailable: number | string, maxSurge: number | string): void {
  setDefault(spec, field, { type: 'RollingUpdate' });
  const strategy = mapAt(spec, field);
  if (strategy === undefined || (strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
  setDefault(strategy, 'type', 'RollingUpdate');
  setDefault(strategy, 'rollingUpdate', {});
  const rollingUpdate = mapAt(strategy, 'rollingUpdate');
  if (rollingUpdate === undefined) return;
  setDefault(rollingUpdate, 'maxUnavailable', maxUnavailable);
  setDefault(rollingUpdate, 'maxSurge', maxSurge);
}

function defaultDeployment(spec: Obj): void {
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultRollingUpdate(spec, 'strategy', '25%', '25%');
  const template = mapAt(spec, 'template');
  if (template !== undefined) defaultPodSpec(mapAt(template, 'spec'));
}

function defaultDaemonSet(spec: Obj): void {
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultRollingUpdate(spec, 'updateStrategy', 1, 0);
  const template = mapAt(spec, 'template');
  if (template !== undefined) defaultPodSpec(mapAt(template, 'spec'));
}

function defaultNetworkPolicy(spec: Obj): void {
  setDefault(spec, 'policyTypes', spec.egress === undefined ? ['Ingress'] : ['Ingress', 'Egress']);
  for (const rule of [...objects(spec.ingress), ...objects(spec.egress)]) {
    for (const port of objects(rule.ports)) setDefault(port, 'protocol', 'TCP');
  }
}
