// spec.relays as a cdk8s-plus-27 construct: a DaemonSet running `marketfeed relay` on every
// selected node. Each relay subscribes once to the feed's TCP Service and writes the stream,
// bit-for-bit, into the segment <namespace>.<feed> in the node's own /dev/shm.
//
// Why the node's /dev/shm (a hostPath) and not an emptyDir with medium Memory: an emptyDir
// belongs to one pod, so only containers of the relay pod could read it, whereas the point
// of a relay is that any consumer pod the scheduler puts on the node reads the feed there
// (Aeron's per-host media driver). A consumer pod mounts the same hostPath (/dev/shm) and
// runs `consume shm --feed <namespace>.<feed>` with group 65532 (runAsGroup or
// supplementalGroups): the relay creates the segment 0660 (--group-access). /dev/shm
// exists on every Linux node and is world-writable (sticky), so the relay needs no root and
// no init container. The cost: a hostPath volume, which the Pod Security "baseline" and
// "restricted" levels forbid, so the feed's namespace must allow it (privileged level, or
// an exemption for these pods); the README says so.
//
// Like the feed pod: Guaranteed QoS with whole CPUs, non-root, read-only root filesystem,
// no capabilities, RuntimeDefault seccomp; the relay's tmpfs pages count against its own
// memory limit (the process that first touches them is charged).
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ringBytes, type MarketFeedSpec } from '../api/marketfeed-types.ts';
import type { RelaysSpec } from '../api/relay-spec.ts';
import { feedEndpoint, feedLabels, feedObjectNames, feedSelectorLabels, relaySegmentName } from './feed-names.ts';

export const RELAY_SHM_PATH = '/dev/shm';
export const RELAY_SHM_VOLUME_NAME = 'node-shm';
export const RELAY_METRICS_PORT = 9100;
export const RELAY_USER = 65532;

export interface RelayDaemonSetProps {
  readonly name: string;
  readonly namespace: string;
  /** A spec with defaults filled in, whose `relays` is set. */
  readonly spec: MarketFeedSpec & { relays: RelaysSpec };
}

export class RelayDaemonSet extends Construct {
  readonly daemonSet: kplus.DaemonSet;

  constructor(scope: Construct, id: string, props: RelayDaemonSetProps) {
    super(scope, id);
    const { name, namespace, spec } = props;
    const relays = spec.relays;
    const labels = feedLabels(name, 'relay');
    const cpus = kplus.Cpu.units(relays.resources.cpus);
    const memory = Size.mebibytes(relays.resources.memoryMi);
    const nodeShm = kplus.Volume.fromHostPath(this, 'node-shm', RELAY_SHM_VOLUME_NAME, { path: RELAY_SHM_PATH, type: kplus.HostPathVolumeType.DIRECTORY });

    this.daemonSet = new kplus.DaemonSet(this, 'relay', {
      metadata: { name: feedObjectNames(name).relayDaemonSet, namespace, labels },
      select: false,
      automountServiceAccountToken: false,
      podMetadata: {
        labels,
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(RELAY_METRICS_PORT), 'prometheus.io/path': '/metrics' },
      },
      securityContext: { ensureNonRoot: true, user: RELAY_USER, group: RELAY_USER },
      containers: [
        {
          name: 'relay',
          image: spec.image,
          imagePullPolicy: spec.imagePullPolicy as kplus.ImagePullPolicy,
          args: [
            'relay',
            '--from', feedEndpoint(name, namespace, spec.tcp.port),
            '--feed', relaySegmentName(name, namespace),
            '--shm-dir', RELAY_SHM_PATH,
            '--capacity', String(spec.ringCapacity),
            '--group-access',
            '--metrics-port', String(RELAY_METRICS_PORT),
          ],
          // --name from the node, so each relay reports as the node it serves.
          envVariables: { MARKETFEED_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME), LOG_LEVEL: kplus.EnvValue.fromValue('info') },
          ports: [{ number: RELAY_METRICS_PORT, name: 'metrics' }],
          resources: { cpu: { request: cpus, limit: cpus }, memory: { request: memory, limit: memory } },
          securityContext: {
            ensureNonRoot: true,
            user: RELAY_USER,
            group: RELAY_USER,
            privileged: false,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL' as kplus.Capability] },
          },
          volumeMounts: [{ volume: nodeShm, path: RELAY_SHM_PATH }],
          // Alive while the process runs; ready only while subscribed (not while reconnecting).
          liveness: kplus.Probe.fromHttpGet('/healthz', { port: RELAY_METRICS_PORT, periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
          readiness: kplus.Probe.fromHttpGet('/readyz', { port: RELAY_METRICS_PORT, periodSeconds: Duration.seconds(5), failureThreshold: 2 }),
        },
      ],
      volumes: [nodeShm],
    });
    this.daemonSet.select(kplus.LabelSelector.of({ labels: feedSelectorLabels(name, 'relay') }));

    const object = ApiObject.of(this.daemonSet);
    object.addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replaceAll('~', '~0').replaceAll('/', '~1')}`));
    object.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
    if (relays.nodeSelector !== undefined && Object.keys(relays.nodeSelector).length > 0) {
      object.addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelector', relays.nodeSelector));
    }
    if (relays.tolerations !== undefined && relays.tolerations.length > 0) {
      object.addJsonPatch(JsonPatch.add('/spec/template/spec/tolerations', relays.tolerations));
    }
  }
}

/** What the relays' spec gets wrong that the schema cannot say; [] when fine. */
export function relaySpecProblems(spec: MarketFeedSpec): string[] {
  const relays = spec.relays;
  if (relays === undefined) return [];
  const neededMi = Math.ceil(ringBytes(spec.ringCapacity) / (1024 * 1024)) + 32;
  return relays.resources.memoryMi >= neededMi
    ? []
    : [`spec.relays.resources.memoryMi: ${relays.resources.memoryMi} is too small: the relay's ring (ringCapacity ${spec.ringCapacity}) is charged to it; at least ${neededMi}`];
}
