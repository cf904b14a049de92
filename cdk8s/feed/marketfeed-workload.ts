// The objects one MarketFeed becomes, as a cdk8s-plus-27 construct: the feed Deployment
// (publisher + one container per SHM consumer around a memory-backed /dev/shm), the feed
// Service, the TCP consumer Deployment, the feed ConfigMap and the NetworkPolicy.
//
// cdk8s-plus-27's defaults fight low latency (../shared/LIMITS.md), so every one of them is
// overridden here: requests = limits with whole CPUs (Guaranteed QoS, so the static CPU
// manager grants exclusive cores), the spec's pull policy instead of Always, no automatic
// TCP startup probe (ports are declared with `ports`, not `portNumber`), explicit names
// instead of hashed ones, and explicit selectors instead of the construct-address label,
// which is the same for every feed synthesized by the same code and would let one feed's
// Deployment select another feed's pods.
import { createHash } from 'node:crypto';
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  cpusOf,
  instrumentCount,
  PUBLISHER_METRICS_PORT,
  shmConsumerNames,
  type MarketFeedSpec,
} from '../api/marketfeed-types.ts';
import {
  feedEndpoint,
  feedLabels,
  feedObjectNames,
  feedSelectorLabels,
  DEFAULT_OPERATOR_NAMESPACE,
  LABEL_COMPONENT,
  LABEL_FEED,
  LABEL_INSTANCE,
  LABEL_NAME,
  LABEL_NAMESPACE_NAME,
  labelValue,
  APP_NAME,
  operatorSelectorLabels,
  type FeedObjectNames,
} from './feed-names.ts';

export const SHM_MOUNT_PATH = '/dev/shm';
export const SHM_VOLUME_NAME = 'shm';
export const RUN_AS_USER = 65532;
export const TCP_CONSUMER_METRICS_PORT = 9100;
export const CONFIG_HASH_ANNOTATION = 'marketfeed.dev/config-hash';

export interface MarketFeedWorkloadProps {
  /** The MarketFeed's metadata.name. */
  readonly name: string;
  readonly namespace: string;
  /** A spec with defaults filled in (`withDefaults`) that passes `validateSpec`. */
  readonly spec: MarketFeedSpec;
  /** Namespace of the operator, whose pods alone may scrape the metrics ports (default marketfeed-system). */
  readonly operatorNamespace?: string;
}

/** Strips the construct-address label cdk8s-plus puts on pod templates even with `select: false`. */
function removeAddressLabel(workload: kplus.Deployment): void {
  ApiObject.of(workload).addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replaceAll('~', '~0').replaceAll('/', '~1')}`));
}

export class MarketFeedWorkload extends Construct {
  readonly names: FeedObjectNames;
  readonly feedDeployment: kplus.Deployment;
  readonly tcpConsumerDeployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly configMap: kplus.ConfigMap;
  readonly networkPolicy: kplus.k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: MarketFeedWorkloadProps) {
    super(scope, id);
    const { name, namespace, spec } = props;
    const names = feedObjectNames(name);
    this.names = names;
    const cpus = cpusOf(spec);
    const consumers = shmConsumerNames(spec);
    const endpoint = feedEndpoint(name, namespace, spec.tcp.port);
    const feedPodLabels = feedLabels(name, 'feed');
    const tcpPodLabels = feedLabels(name, 'tcp-consumer');

    const configData: Record<string, string> = {
      MARKETFEED_FEED: names.segment,
      MARKETFEED_SHM_DIR: SHM_MOUNT_PATH,
      MARKETFEED_ENDPOINT: endpoint,
      MARKETFEED_TCP_ENCODINGS: spec.tcp.encodings.join(','),
      LOG_LEVEL: 'info',
    };
    if (spec.instruments.symbols !== undefined) configData.MARKETFEED_SYMBOLS = spec.instruments.symbols.join(',');
    this.configMap = new kplus.ConfigMap(this, 'config', {
      metadata: { name: names.configMap, namespace, labels: feedPodLabels },
      data: configData,
    });
    // Pods read the ConfigMap through envFrom, which is read once at start: a changed
    // ConfigMap must change the pod template so that the pods are replaced.
    const configHash = createHash('sha256').update(JSON.stringify(configData)).digest('hex').slice(0, 16);

    const resources: kplus.ContainerResources = {
      cpu: { request: kplus.Cpu.units(cpus), limit: kplus.Cpu.units(cpus) },
      memory: { request: Size.mebibytes(spec.resources.memoryMi), limit: Size.mebibytes(spec.resources.memoryMi) },
    };
    const securityContext: kplus.ContainerSecurityContextProps = {
      ensureNonRoot: true,
      user: RUN_AS_USER,
      group: RUN_AS_USER,
      privileged: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      // cdk8s-plus-27's Capability enum has no ALL; the API accepts it.
      capabilities: { drop: ['ALL' as kplus.Capability] },
    };
    const imagePullPolicy = spec.imagePullPolicy as kplus.ImagePullPolicy;
    const envFrom = [kplus.Env.fromConfigMap(this.configMap)];
    const probes = (port: number) => ({
      liveness: kplus.Probe.fromHttpGet('/healthz', { port, periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
      readiness: kplus.Probe.fromHttpGet('/readyz', { port, periodSeconds: Duration.seconds(5), failureThreshold: 2 }),
    });
    const podAnnotations = (metricsPort: number): Record<string, string> => ({
      ...(spec.podAnnotations ?? {}),
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(metricsPort),
      'prometheus.io/path': '/metrics',
      [CONFIG_HASH_ANNOTATION]: configHash,
    });

    const shm = kplus.Volume.fromEmptyDir(this, 'shm', SHM_VOLUME_NAME, {
      medium: kplus.EmptyDirMedium.MEMORY,
      sizeLimit: Size.mebibytes(spec.shmSizeMi),
    });
    const shmMount = { volume: shm, path: SHM_MOUNT_PATH };

    const publisher: kplus.ContainerProps = {
      name: 'publisher',
      image: spec.image,
      imagePullPolicy,
      args: [
        'publish',
        '--feed', names.segment,
        '--shm-dir', SHM_MOUNT_PATH,
        '--tcp-host', '0.0.0.0',
        '--tcp-port', String(spec.tcp.port),
        '--metrics-port', String(PUBLISHER_METRICS_PORT),
        '--rate', spec.rate === 0 ? 'max' : String(spec.rate),
        '--capacity', String(spec.ringCapacity),
        '--instruments', String(instrumentCount(spec)),
      ],
      ports: [
        { number: spec.tcp.port, name: 'feed' },
        { number: PUBLISHER_METRICS_PORT, name: 'metrics' },
      ],
      resources,
      securityContext,
      envFrom,
      volumeMounts: [shmMount],
      ...probes(PUBLISHER_METRICS_PORT),
    };
    const shmConsumers: kplus.ContainerProps[] = consumers.map((consumer, index) => {
      const metricsPort = PUBLISHER_METRICS_PORT + 1 + index;
      return {
        name: `shm-${consumer}`,
        image: spec.image,
        imagePullPolicy,
        args: ['consume', 'shm', '--feed', names.segment, '--shm-dir', SHM_MOUNT_PATH, '--name', consumer, '--metrics-port', String(metricsPort)],
        ports: [{ number: metricsPort, name: `metrics-${index}` }],
        resources,
        securityContext,
        envFrom,
        volumeMounts: [shmMount],
        ...probes(metricsPort),
      };
    });

    const podSecurityContext: kplus.PodSecurityContextProps = {
      ensureNonRoot: true,
      user: RUN_AS_USER,
      group: RUN_AS_USER,
      fsGroup: RUN_AS_USER,
      fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
    };

    this.feedDeployment = new kplus.Deployment(this, 'feed', {
      metadata: { name: names.feedDeployment, namespace, labels: feedPodLabels },
      // One publisher per segment, never two: Recreate, and 0 while paused.
      replicas: spec.paused ? 0 : 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      // The operator's rollout deadline: `kubectl rollout status` fails when the operator rolls back.
      progressDeadline: Duration.seconds(spec.rollout.progressDeadlineSeconds),
      select: false,
      spread: false,
      isolate: false,
      automountServiceAccountToken: false,
      podMetadata: { labels: feedPodLabels, annotations: podAnnotations(PUBLISHER_METRICS_PORT) },
      securityContext: podSecurityContext,
      containers: [publisher, ...shmConsumers],
      volumes: [shm],
    });
    this.feedDeployment.select(kplus.LabelSelector.of({ labels: feedSelectorLabels(name, 'feed') }));
    this.hardenPodTemplate(this.feedDeployment, spec);

    this.service = new kplus.Service(this, 'service', {
      metadata: { name: names.service, namespace, labels: feedPodLabels },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [
        { name: 'feed', port: spec.tcp.port, targetPort: spec.tcp.port, protocol: kplus.Protocol.TCP },
        { name: 'metrics', port: PUBLISHER_METRICS_PORT, targetPort: PUBLISHER_METRICS_PORT, protocol: kplus.Protocol.TCP },
      ],
    });
    for (const [key, value] of Object.entries(feedSelectorLabels(name, 'feed'))) this.service.selectLabel(key, value);

    const [serviceHost] = endpoint.split(':');
    this.tcpConsumerDeployment = new kplus.Deployment(this, 'tcp-consumers', {
      metadata: { name: names.tcpConsumers, namespace, labels: tcpPodLabels },
      replicas: spec.paused ? 0 : spec.tcpConsumers.replicas,
      progressDeadline: Duration.seconds(spec.rollout.progressDeadlineSeconds),
      select: false,
      spread: false,
      isolate: false,
      automountServiceAccountToken: false,
      podMetadata: { labels: tcpPodLabels, annotations: podAnnotations(TCP_CONSUMER_METRICS_PORT) },
      securityContext: podSecurityContext,
      containers: [
        {
          name: 'tcp-consumer',
          image: spec.image,
          imagePullPolicy,
          args: [
            'consume', 'tcp',
            '--host', serviceHost ?? names.service,
            '--port', String(spec.tcp.port),
            '--encoding', spec.tcpConsumers.encoding,
            '--metrics-port', String(TCP_CONSUMER_METRICS_PORT),
          ],
          // --name from the pod name, so each replica reports as itself.
          envVariables: { MARKETFEED_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME) },
          ports: [{ number: TCP_CONSUMER_METRICS_PORT, name: 'metrics' }],
          resources,
          securityContext,
          envFrom,
          ...probes(TCP_CONSUMER_METRICS_PORT),
        },
      ],
    });
    this.tcpConsumerDeployment.select(kplus.LabelSelector.of({ labels: feedSelectorLabels(name, 'tcp-consumer') }));
    this.hardenPodTemplate(this.tcpConsumerDeployment, spec);

    // On the feed pod and the TCP consumer pods: only this feed's pods (its TCP consumers
    // among them) reach the feed port, and only the operator's pods, in its namespace, reach
    // the metrics ports (it scrapes them for live health; add a NetworkPolicy of your own
    // for another scraper: policies add up). Written with the L1 object: cdk8s-plus's
    // NetworkPolicy peers cannot combine a namespace and a pod selector in one peer.
    const metricsPorts: kplus.k8s.NetworkPolicyPort = { protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(PUBLISHER_METRICS_PORT) };
    if (consumers.length > 0) Object.assign(metricsPorts, { endPort: PUBLISHER_METRICS_PORT + consumers.length });
    this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata: { name: names.networkPolicy, namespace, labels: feedPodLabels },
      spec: {
        podSelector: {
          matchLabels: { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: labelValue(name) },
          matchExpressions: [{ key: LABEL_COMPONENT, operator: 'In', values: ['feed', 'tcp-consumer'] }],
        },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: feedSelectorLabels(name, 'tcp-consumer') } },
              { podSelector: { matchLabels: { [LABEL_NAME]: APP_NAME, [LABEL_FEED]: labelValue(name) } } },
            ],
            ports: [{ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(spec.tcp.port) }],
          },
          {
            from: [
              {
                namespaceSelector: { matchLabels: { [LABEL_NAMESPACE_NAME]: props.operatorNamespace ?? DEFAULT_OPERATOR_NAMESPACE } },
                podSelector: { matchLabels: operatorSelectorLabels() },
              },
            ],
            ports: [metricsPorts],
          },
        ],
      },
    });
  }

  /** What cdk8s-plus-27 cannot say: seccomp, node selection, tolerations; and no address label. */
  private hardenPodTemplate(workload: kplus.Deployment, spec: MarketFeedSpec): void {
    const object = ApiObject.of(workload);
    removeAddressLabel(workload);
    object.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
    if (spec.nodeSelector !== undefined && Object.keys(spec.nodeSelector).length > 0) {
      object.addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelector', spec.nodeSelector));
    }
    if (spec.tolerations !== undefined && spec.tolerations.length > 0) {
      object.addJsonPatch(JsonPatch.add('/spec/template/spec/tolerations', spec.tolerations));
    }
  }
}
