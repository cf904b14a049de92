// Which resources the server serves, and the discovery documents that describe them.
// KubernetesObjectApi maps (apiVersion, kind) to a URL plural by fetching `/api/v1` or
// `/apis/{group}/{version}`, so discovery must list every kind a test or the operator touches.
// Creating a CustomResourceDefinition through the server registers its resources too.
import { isPlainObject, parseDottedPath } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';

export interface ScaleSubresource {
  specReplicasPath: string[];
  statusReplicasPath: string[];
  labelSelectorPath?: string[];
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** `/status` exists; main-resource writes keep the stored status, `/status` writes change only status. */
  statusSubresource: boolean;
  scale: ScaleSubresource | undefined;
  /** Served from a CustomResourceDefinition (strategic merge patch is refused, as on a real server). */
  custom: boolean;
  /** The CRD version's openAPIV3Schema: writes are pruned, defaulted and validated by it and its CEL rules. */
  schema?: Record<string, unknown>;
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** `deployments.apps/v1`: the key one resource type is filed under. */
export function resourceKey(type: Pick<ResourceType, 'group' | 'version' | 'plural'>): string {
  return `${type.plural}.${type.group}/${type.version}`;
}

interface TypeInput {
  kind: string;
  plural?: string;
  namespaced?: boolean;
  status?: boolean;
  scale?: { spec: string; status: string; selector?: string };
  shortNames?: string[];
}

function builtin(group: string, version: string, input: TypeInput): ResourceType {
  const plural = input.plural ?? `${input.kind.toLowerCase()}s`;
  return {
    group,
    version,
    kind: input.kind,
    plural,
    singular: input.kind.toLowerCase(),
    namespaced: input.namespaced ?? true,
    shortNames: input.shortNames ?? [],
    statusSubresource: input.status ?? false,
    scale: input.scale === undefined ? undefined : scaleFrom(input.scale),
    custom: false,
  };
}

function scaleFrom(scale: { spec: string; status: string; selector?: string }): ScaleSubresource {
  const result: ScaleSubresource = { specReplicasPath: parseDottedPath(scale.spec), statusReplicasPath: parseDottedPath(scale.status) };
  if (scale.selector !== undefined) result.labelSelectorPath = parseDottedPath(scale.selector);
  return result;
}

const replicaScale = { spec: '.spec.replicas', status: '.status.replicas', selector: '.spec.selector' };

/** The built-in resources served (a small subset of a real cluster's). */
export function builtinResourceTypes(): ResourceType[] {
  return [
    builtin('', 'v1', { kind: 'Namespace', namespaced: false, status: true, shortNames: ['ns'] }),
    builtin('', 'v1', { kind: 'ConfigMap', shortNames: ['cm'] }),
    builtin('', 'v1', { kind: 'Secret' }),
    builtin('', 'v1', { kind: 'Service', status: true, shortNames: ['svc'] }),
    builtin('', 'v1', { kind: 'Pod', status: true, shortNames: ['po'] }),
    builtin('', 'v1', { kind: 'Event', shortNames: ['ev'] }),
    builtin('', 'v1', { kind: 'ServiceAccount', shortNames: ['sa'] }),
    builtin('', 'v1', { kind: 'Endpoints', plural: 'endpoints', shortNames: ['ep'] }),
    builtin('apps', 'v1', { kind: 'Deployment', status: true, scale: replicaScale, shortNames: ['deploy'] }),
    builtin('apps', 'v1', { kind: 'ReplicaSet', status: true, scale: replicaScale, shortNames: ['rs'] }),
    builtin('apps', 'v1', { kind: 'StatefulSet', status: true, scale: replicaScale, shortNames: ['sts'] }),
    builtin('apps', 'v1', { kind: 'DaemonSet', status: true, shortNames: ['ds'] }),
    builtin('apps', 'v1', { kind: 'ControllerRevision' }),
    builtin('networking.k8s.io', 'v1', { kind: 'NetworkPolicy', plural: 'networkpolicies', shortNames: ['netpol'] }),
    builtin('policy', 'v1', { kind: 'PodDisruptionBudget', status: true, shortNames: ['pdb'] }),
    builtin('coordination.k8s.io', 'v1', { kind: 'Lease' }),
    builtin('events.k8s.io', 'v1', { kind: 'Event', shortNames: ['ev'] }),
    builtin('rbac.authorization.k8s.io', 'v1', { kind: 'Role' }),
    builtin('rbac.authorization.k8s.io', 'v1', { kind: 'RoleBinding' }),
    builtin('rbac.authorization.k8s.io', 'v1', { kind: 'ClusterRole', namespaced: false }),
    builtin('rbac.authorization.k8s.io', 'v1', { kind: 'ClusterRoleBinding', namespaced: false }),
    builtin('apiextensions.k8s.io', 'v1', { kind: 'CustomResourceDefinition', namespaced: false, status: true, shortNames: ['crd', 'crds'] }),
  ];
}

/** marketfeed.dev/v1alpha1 MarketFeed as issue 4 defines it (replaced by the real CRD once one is created). */
export function marketFeedResourceType(): ResourceType {
  return {
    group: 'marketfeed.dev',
    version: 'v1alpha1',
    kind: 'MarketFeed',
    plural: 'marketfeeds',
    singular: 'marketfeed',
    namespaced: true,
    shortNames: ['mf'],
    statusSubresource: true,
    scale: { specReplicasPath: ['spec', 'tcpConsumers', 'replicas'], statusReplicasPath: ['status', 'tcpConsumerReplicas'] },
    custom: true,
  };
}

/** The resource types a CustomResourceDefinition object declares, one per served version. */
export function resourceTypesOfCrd(crd: KubeObject): ResourceType[] {
  const spec = crd.spec;
  if (!isPlainObject(spec) || !isPlainObject(spec.names) || typeof spec.group !== 'string') return [];
  const names = spec.names;
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  const result: ResourceType[] = [];
  for (const version of versions) {
    if (!isPlainObject(version) || typeof version.name !== 'string' || version.served === false) continue;
    const subresources = isPlainObject(version.subresources) ? version.subresources : {};
    const scale = isPlainObject(subresources.scale) ? subresources.scale : undefined;
    const schema = isPlainObject(version.schema) && isPlainObject(version.schema.openAPIV3Schema) ? version.schema.openAPIV3Schema : undefined;
    result.push({
      group: spec.group,
      version: version.name,
      kind: String(names.kind),
      plural: String(names.plural),
      singular: typeof names.singular === 'string' ? names.singular : String(names.kind).toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
      statusSubresource: subresources.status !== undefined,
      scale:
        scale === undefined
          ? undefined
          : scaleFrom({
              spec: String(scale.specReplicasPath),
              status: String(scale.statusReplicasPath),
              ...(typeof scale.labelSelectorPath === 'string' ? { selector: scale.labelSelectorPath } : {}),
            }),
      custom: true,
      ...(schema === undefined ? {} : { schema }),
    });
  }
  return result;
}

export class ResourceRegistry {
  private readonly types = new Map<string, ResourceType>();
  /** Which CRD (by name) registered which resource keys. */
  private readonly byCrd = new Map<string, string[]>();

  constructor(types: ResourceType[]) {
    for (const type of types) this.types.set(resourceKey(type), type);
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(resourceKey({ group, version, plural }));
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const type of this.types.values()) {
      if (type.kind === kind && apiVersionOf(type) === apiVersion) return type;
    }
    return undefined;
  }

  /** Registers (or re-registers) the resources of a CRD; returns the keys it serves. */
  registerCrd(crd: KubeObject): string[] {
    const name = crd.metadata.name;
    const previous = this.byCrd.get(name) ?? [];
    const types = resourceTypesOfCrd(crd);
    const keys = types.map(resourceKey);
    for (const key of previous) if (!keys.includes(key)) this.types.delete(key);
    for (const type of types) this.types.set(resourceKey(type), type);
    this.byCrd.set(name, keys);
    return keys;
  }

  /** Forgets a CRD's resources; returns the types that were served (their objects must go too). */
  unregisterCrd(name: string): ResourceType[] {
    const keys = this.byCrd.get(name) ?? [];
    this.byCrd.delete(name);
    const removed: ResourceType[] = [];
    for (const key of keys) {
      const type = this.types.get(key);
      if (type !== undefined) removed.push(type);
      this.types.delete(key);
    }
    return removed;
  }

  groupVersions(): { group: string; versions: string[] }[] {
    const groups = new Map<string, string[]>();
    for (const type of this.types.values()) {
      const versions = groups.get(type.group) ?? [];
      if (!versions.includes(type.version)) versions.push(type.version);
      groups.set(type.group, versions);
    }
    return [...groups].map(([group, versions]) => ({ group, versions }));
  }

  /** `GET /api` */
  coreVersions(): object {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
  }

  /** `GET /apis/{group}` (undefined when the group is not served) */
  apiGroup(group: string): object | undefined {
    const entry = this.groupVersions().find((g) => g.group === group && group !== '');
    if (entry === undefined) return undefined;
    const versions = entry.versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
    return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
  }

  /** `GET /apis` */
  apiGroupList(): object {
    const groups = this.groupVersions()
      .filter((g) => g.group !== '')
      .map((g) => this.apiGroup(g.group));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }

  /** `GET /api/v1`, `GET /apis/{group}/{version}` (undefined when not served) */
  apiResourceList(group: string, version: string): object | undefined {
    const types = this.all().filter((t) => t.group === group && t.version === version);
    if (types.length === 0) return undefined;
    const resources: object[] = [];
    for (const type of types) {
      const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
      const entry: Record<string, unknown> = { name: type.plural, singularName: type.singular, namespaced: type.namespaced, kind: type.kind, verbs };
      if (type.shortNames.length > 0) entry.shortNames = type.shortNames;
      resources.push(entry);
      if (type.statusSubresource) {
        resources.push({ name: `${type.plural}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: ['get', 'patch', 'update'] });
      }
      if (type.scale !== undefined) {
        resources.push({ name: `${type.plural}/scale`, singularName: '', namespaced: type.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
  }
}
