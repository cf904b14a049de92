// The desired objects in the form the API server will store them, so that what we apply is
// what we later read back. The server decodes every write into Go structs and encodes them
// again; Go cannot tell an absent non-pointer field from its zero value, so the server drops
// `minReadySeconds: 0`, `hostNetwork: false`, `externalIPs: []`, and writes quantities in
// canonical form (`2048Mi` → `2Gi`). A desired object that still carries them never matches
// the live one, and applying it writes anew every second (kubernetes/kubernetes#121404):
// a write loop. Here:
// - every zero value (0, false, "", [], {}, null) of a non-pointer field is removed (the
//   server keeps nothing else for it: omitempty drops it, otherwise it is the same zero);
// - pointer fields keep their zero (`replicas: 0`, `automountServiceAccountToken: false`,
//   `podSelector: {}` of a NetworkPolicy peer): there nil and zero differ;
// - quantities take their canonical form;
// - list elements and map entries are values, never removed.
// Defaults need nothing: covers() ignores fields the server adds.
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { canonicalQuantity } from '../../cdk8s/api/quantity.ts';

/**
 * The fields of the Go types (k8s.io/api) that need more than "drop when zero":
 * `*` a pointer (kept as given), `*T` a pointer to struct T, `T` a struct, `[]T` a list of
 * struct T, `Quantity`/`*Quantity`, `map:Quantity` (resource lists). A field not listed is a
 * non-pointer value taken whole: removed when zero or empty, else kept as it is (maps of
 * strings such as labels are never walked into: an empty label value is a value).
 */
const GO_FIELDS: Record<string, Record<string, string>> = {
  ObjectMeta: { ownerReferences: '[]OwnerReference' },
  OwnerReference: { controller: '*', blockOwnerDeletion: '*' },
  LabelSelector: { matchExpressions: '[]LabelSelectorRequirement' },
  LabelSelectorRequirement: {},

  Deployment: { metadata: 'ObjectMeta', spec: 'DeploymentSpec' },
  DeploymentSpec: { replicas: '*', selector: '*LabelSelector', template: 'PodTemplateSpec', strategy: 'DeploymentStrategy', revisionHistoryLimit: '*', progressDeadlineSeconds: '*' },
  DeploymentStrategy: { rollingUpdate: '*RollingUpdate' },
  RollingUpdate: { maxUnavailable: '*', maxSurge: '*' },
  DaemonSet: { metadata: 'ObjectMeta', spec: 'DaemonSetSpec' },
  DaemonSetSpec: { selector: '*LabelSelector', template: 'PodTemplateSpec', updateStrategy: 'DaemonSetUpdateStrategy', revisionHistoryLimit: '*' },
  DaemonSetUpdateStrategy: { rollingUpdate: '*RollingUpdate' },

  Pod: { metadata: 'ObjectMeta', spec: 'PodSpec' },
  PodTemplateSpec: { metadata: 'ObjectMeta', spec: 'PodSpec' },
  PodSpec: {
    volumes: '[]Volume', initContainers: '[]Container', containers: '[]Container', ephemeralContainers: '[]Container',
    terminationGracePeriodSeconds: '*', activeDeadlineSeconds: '*', automountServiceAccountToken: '*', shareProcessNamespace: '*',
    securityContext: '*PodSecurityContext', imagePullSecrets: '[]LocalObjectReference', affinity: '*', tolerations: '[]Toleration',
    priority: '*', dnsConfig: '*', runtimeClassName: '*', enableServiceLinks: '*', preemptionPolicy: '*', overhead: 'map:Quantity',
    topologySpreadConstraints: '[]TopologySpreadConstraint', setHostnameAsFQDN: '*', os: '*', hostUsers: '*', resources: '*ResourceRequirements',
  },
  Container: {
    ports: '[]ContainerPort', envFrom: '[]EnvFromSource', env: '[]EnvVar', resources: 'ResourceRequirements', restartPolicy: '*',
    volumeMounts: '[]VolumeMount', livenessProbe: '*Probe', readinessProbe: '*Probe', startupProbe: '*Probe', lifecycle: '*', securityContext: '*SecurityContext',
  },
  ContainerPort: {},
  EnvFromSource: { configMapRef: '*EnvSource', secretRef: '*EnvSource' },
  EnvSource: { optional: '*' },
  EnvVar: { valueFrom: '*EnvVarSource' },
  EnvVarSource: { fieldRef: '*ObjectFieldSelector', resourceFieldRef: '*ResourceFieldSelector', configMapKeyRef: '*KeySelector', secretKeyRef: '*KeySelector' },
  ObjectFieldSelector: {},
  ResourceFieldSelector: { divisor: 'Quantity' },
  KeySelector: { optional: '*' },
  LocalObjectReference: {},
  ResourceRequirements: { limits: 'map:Quantity', requests: 'map:Quantity' },
  VolumeMount: { recursiveReadOnly: '*', mountPropagation: '*' },
  Probe: { exec: '*ExecAction', httpGet: '*HTTPGetAction', tcpSocket: '*TCPSocketAction', grpc: '*GRPCAction', terminationGracePeriodSeconds: '*' },
  ExecAction: {},
  HTTPGetAction: { httpHeaders: '[]HTTPHeader' },
  HTTPHeader: {},
  TCPSocketAction: {},
  GRPCAction: { service: '*' },
  SecurityContext: {
    capabilities: '*Capabilities', privileged: '*', seLinuxOptions: '*', windowsOptions: '*', runAsUser: '*', runAsGroup: '*', runAsNonRoot: '*',
    readOnlyRootFilesystem: '*', allowPrivilegeEscalation: '*', procMount: '*', seccompProfile: '*SeccompProfile', appArmorProfile: '*',
  },
  Capabilities: {},
  SeccompProfile: { localhostProfile: '*' },
  PodSecurityContext: {
    seLinuxOptions: '*', windowsOptions: '*', runAsUser: '*', runAsGroup: '*', runAsNonRoot: '*', supplementalGroupsPolicy: '*', fsGroup: '*',
    sysctls: '[]Sysctl', fsGroupChangePolicy: '*', seccompProfile: '*SeccompProfile', appArmorProfile: '*', seLinuxChangePolicy: '*',
  },
  Sysctl: {},
  Volume: {
    hostPath: '*HostPathVolumeSource', emptyDir: '*EmptyDirVolumeSource', secret: '*SecretVolumeSource', configMap: '*ConfigMapVolumeSource',
    persistentVolumeClaim: '*PersistentVolumeClaimVolumeSource', projected: '*', downwardAPI: '*', ephemeral: '*', csi: '*', image: '*',
  },
  HostPathVolumeSource: { type: '*' },
  EmptyDirVolumeSource: { sizeLimit: '*Quantity' },
  SecretVolumeSource: { items: '[]KeyToPath', defaultMode: '*', optional: '*' },
  ConfigMapVolumeSource: { items: '[]KeyToPath', defaultMode: '*', optional: '*' },
  KeyToPath: { mode: '*' },
  PersistentVolumeClaimVolumeSource: {},
  Toleration: { tolerationSeconds: '*' },
  TopologySpreadConstraint: { labelSelector: '*LabelSelector', minDomains: '*', nodeAffinityPolicy: '*', nodeTaintsPolicy: '*' },

  Service: { metadata: 'ObjectMeta', spec: 'ServiceSpec' },
  ServiceSpec: {
    ports: '[]ServicePort', sessionAffinityConfig: '*', ipFamilyPolicy: '*', allocateLoadBalancerNodePorts: '*', loadBalancerClass: '*',
    internalTrafficPolicy: '*', trafficDistribution: '*',
  },
  ServicePort: { appProtocol: '*' },
  ConfigMap: { metadata: 'ObjectMeta', immutable: '*' },
  NetworkPolicy: { metadata: 'ObjectMeta', spec: 'NetworkPolicySpec' },
  NetworkPolicySpec: { podSelector: 'LabelSelector', ingress: '[]NetworkPolicyRule', egress: '[]NetworkPolicyRule' },
  NetworkPolicyRule: { ports: '[]NetworkPolicyPort', from: '[]NetworkPolicyPeer', to: '[]NetworkPolicyPeer' },
  NetworkPolicyPort: { protocol: '*', port: '*', endPort: '*' },
  NetworkPolicyPeer: { podSelector: '*LabelSelector', namespaceSelector: '*LabelSelector', ipBlock: '*IPBlock' },
  IPBlock: {},
};

/** The built-in kinds this module knows, as `group/Kind` (core group ''); each one's Go type is named as the kind. */
const KNOWN_KINDS = new Set(['apps/Deployment', 'apps/DaemonSet', '/Pod', '/Service', '/ConfigMap', 'networking.k8s.io/NetworkPolicy']);

type Json = Record<string, unknown>;

function isMap(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isZero(value: unknown): boolean {
  if (value === null || value === 0 || value === false || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isMap(value) && Object.keys(value).length === 0;
}

function typeKey(object: KubeObject): string {
  const slash = object.apiVersion.lastIndexOf('/');
  return `${slash < 0 ? '' : object.apiVersion.slice(0, slash)}/${object.kind}`;
}

/** Whether the normal form of `object` is known (its kind's Go type is in the table). */
export function knowsKind(apiVersion: string, kind: string): boolean {
  return KNOWN_KINDS.has(typeKey({ apiVersion, kind, metadata: { name: '' } }));
}

/** `value` for a field described by `spec` (a GO_FIELDS entry), or undefined when the server keeps nothing. */
function fieldValue(spec: string | undefined, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  const pointer = spec?.startsWith('*') === true;
  const type = pointer ? (spec ?? '').slice(1) : (spec ?? '');
  let result: unknown = value;
  if (type === 'Quantity') result = canonicalQuantity(value) ?? value;
  else if (type === 'map:Quantity' && isMap(value)) result = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, canonicalQuantity(item) ?? item]));
  else if (type.startsWith('[]') && Array.isArray(value)) result = value.map((item: unknown) => (isMap(item) ? struct(type.slice(2), item) : item));
  else if (type in GO_FIELDS && isMap(value)) result = struct(type, value);
  return pointer || !isZero(result) ? result : undefined;
}

function struct(type: string, value: Json): Json {
  const fields = GO_FIELDS[type];
  const result: Json = {};
  for (const [key, item] of Object.entries(value)) {
    const normal = fieldValue(fields[key], item);
    if (normal !== undefined) result[key] = normal;
  }
  return result;
}

/**
 * A copy of `object` as the API server will store it (see the top of this file). Objects of
 * kinds without a table entry are returned unchanged: add the kind to GO_FIELDS/KNOWN_KINDS.
 */
export function serverNormalForm(object: KubeObject): KubeObject {
  if (!KNOWN_KINDS.has(typeKey(object))) return object;
  return struct(object.kind, object) as KubeObject;
}
