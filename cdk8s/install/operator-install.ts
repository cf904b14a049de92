// Everything the operator needs in a cluster, as one construct: the MarketFeed CRD, a
// ServiceAccount with least-privilege RBAC, the operator Deployment (two replicas, one of
// which leads through a coordination.k8s.io Lease), its metrics Service and a
// PodDisruptionBudget that keeps one replica through node drains. `cdk8s synth` writes it
// to dist/manifests/, and the Helm chart's templates are rendered from it (cdk8s/chart/), so the two
// installs cannot drift.
import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { marketFeedCrd } from '../api/marketfeed-crd.ts';
import { DEFAULT_IMAGE, MARKETFEED_GROUP, MARKETFEED_PLURAL } from '../api/marketfeed-types.ts';
import { OWNED_KINDS } from '../feed/desired-objects.ts';
import { APP_NAME, DEFAULT_OPERATOR_NAMESPACE, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_NAME, LABEL_PART_OF, OPERATOR_NAME, operatorSelectorLabels } from '../feed/feed-names.ts';

export { DEFAULT_OPERATOR_NAMESPACE, OPERATOR_NAME, operatorSelectorLabels } from '../feed/feed-names.ts';
export const OPERATOR_METRICS_PORT = 9090;

export interface OperatorResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface OperatorInstallProps {
  /** Namespace of the operator's own objects; default marketfeed-system (the Helm chart gives its release namespace). */
  readonly namespace?: string;
  readonly image?: string;
  readonly imagePullPolicy?: string;
  /** Operator replicas; default 2 (one leads, one waits). */
  readonly replicas?: number;
  /** `--leader-elect` (default) or `--no-leader-elect`. */
  readonly leaderElection?: boolean;
  readonly resources?: OperatorResources;
  /** Include the CRD; default true (the Helm chart keeps it under crds/ instead). */
  readonly includeCrd?: boolean;
}

/** Defaults of OperatorInstallProps: also the Helm chart's values.yaml, except the namespace (the release namespace there). */
export const OPERATOR_INSTALL_DEFAULTS = {
  namespace: DEFAULT_OPERATOR_NAMESPACE,
  image: DEFAULT_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  replicas: 2,
  leaderElection: true,
  // The operator is not on the hot path: a small Burstable reservation is enough.
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } } satisfies OperatorResources,
} as const;

export function operatorLabels(): Record<string, string> {
  return { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: OPERATOR_NAME, [LABEL_COMPONENT]: 'operator', [LABEL_PART_OF]: APP_NAME };
}

/** What the operator may do, and nothing more. */
export function operatorClusterRules(): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const owned = new Map<string, string[]>();
  for (const kind of OWNED_KINDS) owned.set(kind.group, [...(owned.get(kind.group) ?? []), kind.plural]);
  return [
    { apiGroups: [MARKETFEED_GROUP], resources: [MARKETFEED_PLURAL], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [MARKETFEED_GROUP], resources: [`${MARKETFEED_PLURAL}/status`], verbs: ['get', 'update', 'patch'] },
    { apiGroups: [MARKETFEED_GROUP], resources: [`${MARKETFEED_PLURAL}/scale`], verbs: ['get'] },
    ...[...owned].map(([group, resources]) => ({
      apiGroups: [group],
      resources,
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    })),
    // Good rollout revisions (operator/rollout/revision.ts): created, read back for a rollback, pruned.
    { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['get', 'create', 'delete'] },
    { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
    // The feed pods' IPs, for scraping their metrics (live feed health): read only.
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
  ];
}

/** Leases only in the operator's own namespace: a Role, not a ClusterRole. */
export function operatorLeaseRules(): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  return [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update', 'patch'] }];
}

/** V8 settings of the operator process (its memory is mostly @kubernetes/client-node's code). */
export const OPERATOR_NODE_OPTIONS = '--max-semi-space-size=1 --max-old-space-size=128';

/**
 * The operator container's environment for memory. One malloc arena: V8's background threads
 * (GC, compilation) otherwise each grow an arena of their own that stays resident (~10 MB of
 * the operator's peak RSS with 200 feeds, bench/operator). The operator is not on a hot path.
 */
export const OPERATOR_MEMORY_ENV = { NODE_OPTIONS: OPERATOR_NODE_OPTIONS, MALLOC_ARENA_MAX: '1' } as const;

export class OperatorInstall extends Construct {
  readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: OperatorInstallProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? OPERATOR_INSTALL_DEFAULTS.namespace;
    const image = props.image ?? OPERATOR_INSTALL_DEFAULTS.image;
    const imagePullPolicy = (props.imagePullPolicy ?? OPERATOR_INSTALL_DEFAULTS.imagePullPolicy) as kplus.ImagePullPolicy;
    const replicas = props.replicas ?? OPERATOR_INSTALL_DEFAULTS.replicas;
    const leaderElection = props.leaderElection ?? OPERATOR_INSTALL_DEFAULTS.leaderElection;
    const resources = props.resources ?? OPERATOR_INSTALL_DEFAULTS.resources;
    const labels = operatorLabels();
    const selector = operatorSelectorLabels();

    if (props.includeCrd ?? true) {
      const { apiVersion, kind, metadata, ...rest } = marketFeedCrd();
      new ApiObject(this, 'crd', { apiVersion, kind, metadata, ...rest });
    }

    const serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: OPERATOR_NAME, namespace, labels },
    });
    new kplus.k8s.KubeClusterRole(this, 'cluster-role', {
      metadata: { name: OPERATOR_NAME, labels },
      rules: operatorClusterRules(),
    });
    new kplus.k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name: OPERATOR_NAME, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_NAME },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace }],
    });
    new kplus.k8s.KubeRole(this, 'lease-role', {
      metadata: { name: `${OPERATOR_NAME}-leader-election`, namespace, labels },
      rules: operatorLeaseRules(),
    });
    new kplus.k8s.KubeRoleBinding(this, 'lease-role-binding', {
      metadata: { name: `${OPERATOR_NAME}-leader-election`, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${OPERATOR_NAME}-leader-election` },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace }],
    });

    const port = OPERATOR_METRICS_PORT;
    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: OPERATOR_NAME, namespace, labels },
      replicas,
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      select: false,
      spread: false,
      isolate: false,
      // The operator talks to the API server: unlike the feed pods it needs its token.
      automountServiceAccountToken: true,
      podMetadata: {
        labels,
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' },
      },
      securityContext: { ensureNonRoot: true, user: 65532, group: 65532 },
      containers: [
        {
          name: 'operator',
          image,
          imagePullPolicy,
          args: ['operator', leaderElection ? '--leader-elect' : '--no-leader-elect', '--metrics-port', String(port)],
          ports: [{ number: port, name: 'metrics' }],
          envVariables: {
            // A 1 MiB young generation and a capped old space: the operator's peak RSS with 200
            // feeds drops from ~350 MB to ~175 MB (bench/operator), at no measurable cost in time.
            NODE_OPTIONS: kplus.EnvValue.fromValue(OPERATOR_MEMORY_ENV.NODE_OPTIONS),
            MALLOC_ARENA_MAX: kplus.EnvValue.fromValue(OPERATOR_MEMORY_ENV.MALLOC_ARENA_MAX),
            POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
            POD_NAMESPACE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
          },
          securityContext: {
            ensureNonRoot: true,
            user: 65532,
            group: 65532,
            privileged: false,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL' as kplus.Capability] },
          },
          liveness: kplus.Probe.fromHttpGet('/healthz', { port, periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
          readiness: kplus.Probe.fromHttpGet('/readyz', { port, periodSeconds: Duration.seconds(5), failureThreshold: 2 }),
        },
      ],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
    const deploymentObject = ApiObject.of(this.deployment);
    // Resources as given (quantity strings pass through untouched, which the chart relies on).
    // The patch lands before the L1 object's JSON conversion, hence Quantity objects.
    const quantities = (pair: { cpu: string; memory: string }) => ({ cpu: kplus.k8s.Quantity.fromString(pair.cpu), memory: kplus.k8s.Quantity.fromString(pair.memory) });
    deploymentObject.addJsonPatch(
      JsonPatch.replace('/spec/template/spec/containers/0/resources', { requests: quantities(resources.requests), limits: quantities(resources.limits) }),
    );
    deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/serviceAccountName', OPERATOR_NAME));
    deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
    deploymentObject.addJsonPatch(
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
      ]),
    );
    deploymentObject.addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replaceAll('/', '~1')}`));

    new kplus.k8s.KubeService(this, 'metrics-service', {
      metadata: { name: `${OPERATOR_NAME}-metrics`, namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'metrics', port, targetPort: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' }],
      },
    });

    new kplus.k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: OPERATOR_NAME, namespace, labels },
      spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });
  }
}
