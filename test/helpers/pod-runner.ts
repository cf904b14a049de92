// Runs a synthesized pod template as local processes, the way a kubelet and a container
// runtime would, so that a test can hold the constructs (cdk8s/) to the CLI they start:
//
// - each container runs the image's ENTRYPOINT (read from the Dockerfile's last stage) with the
//   container's exact `args`, in the image's WORKDIR (= the repository root here: the image
//   is the repository built; runtime/cli/marketfeed-bin.js runs the TypeScript sources when
//   they are beside it), with the image's ENV, the container's `env` (values and fieldRefs to
//   the pod's name and namespace) and `envFrom` ConfigMaps, and nothing else of the test's
//   environment but a PATH on which `node` is the project's Node 24;
// - each pod gets a network namespace of its own (as in Kubernetes), joined to the others and
//   to the test (the "node") by a bridge, so every container listens on its declared ports,
//   0.0.0.0 included, with no collision between pods or with anything else on the machine;
//   the kubelet's probes are HTTP GETs from the node to the pod's address;
// - a Service's DNS names (<svc>, <svc>.<ns>, <svc>.<ns>.svc, <svc>.<ns>.svc.cluster.local)
//   resolve, through the pod's /etc/hosts (`ip netns exec` binds /etc/netns/<ns>/hosts over
//   it), to the address of the pod its selector picks; its port must equal its targetPort;
// - an emptyDir volume is a temporary directory of the pod (group fsGroup, setgid, as the
//   kubelet makes it), bind-mounted at the container's mountPath in the container's own mount
//   namespace (which `ip netns exec` creates); readOnlyRootFilesystem remounts / read-only
//   there, and the process runs as runAsUser/runAsGroup with fsGroup (setpriv), as in the pod;
// - a hostPath volume is a directory of the node (the PodNetwork): one temporary directory per
//   path, shared by every pod of the network that mounts it, world-writable and sticky like
//   /dev/shm and /tmp, outliving the pods, removed with the network; `spec.nodeName` (fieldRef)
//   is the network's node name.
// Needs root, `ip` (iproute2), `mount` and `setpriv`, as the tests and CI run here. Generic over pod
// templates: the feed pod, the TCP consumer pod, a relay DaemonSet's pod.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

export interface Probe {
  httpGet?: { path: string; port: number | string; scheme?: string };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  readOnlyRootFilesystem?: boolean;
}

export interface Container {
  name: string;
  securityContext?: SecurityContext;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  ports?: Array<{ containerPort: number; name?: string; protocol?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: {
    securityContext?: SecurityContext;
    containers: Container[];
    volumes?: Array<{ name: string; emptyDir?: Record<string, unknown>; hostPath?: { path: string; type?: string } }>;
    terminationGracePeriodSeconds?: number;
  };
}

/** The objects a pod's containers refer to: ConfigMaps (envFrom) and Services (by DNS name). */
export interface ClusterObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: { selector?: Record<string, string>; ports?: Array<{ port: number; targetPort?: number | string }> };
}

/** What the image runs: ENTRYPOINT, WORKDIR and ENV of the Dockerfile's last stage. */
export interface ImageConfig {
  entrypoint: string[];
  workdir: string;
  env: Record<string, string>;
}

export function imageConfig(dockerfile = path.join(ROOT, 'Dockerfile')): ImageConfig {
  const lines = fs
    .readFileSync(dockerfile, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim());
  const lastStage = lines.slice(lines.findLastIndex((line) => line.startsWith('FROM ')));
  const entrypoint = lastStage.find((line) => line.startsWith('ENTRYPOINT '));
  const workdir = lastStage.findLast((line) => line.startsWith('WORKDIR '));
  if (entrypoint === undefined || workdir === undefined) throw new Error(`${dockerfile}: no ENTRYPOINT or WORKDIR in the last stage`);
  const env: Record<string, string> = {};
  for (const line of lastStage.filter((l) => l.startsWith('ENV '))) {
    for (const match of line.slice(4).matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[match[1]] = match[2].replace(/^"|"$/g, '');
  }
  return { entrypoint: JSON.parse(entrypoint.slice('ENTRYPOINT '.length)) as string[], workdir: workdir.slice('WORKDIR '.length).trim(), env };
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A private L2 network: a bridge in a namespace of its own, the test's end at 10.<subnet>.0.1,
 * and a namespace per pod at 10.<subnet>.0.<10+k>. Nothing is routed or forwarded: pods and
 * the test reach each other on the one segment. close() deletes every namespace (and so every
 * link) it made.
 */
export class PodNetwork {
  readonly subnet: number;
  /** The node the pods run on: what `spec.nodeName` resolves to. */
  readonly nodeName = 'node-0';
  private readonly id: string;
  private readonly namespaces: string[] = [];
  private readonly hostPaths = new Map<string, string>();
  private pods = 0;

  private constructor(subnet: number, id: string) {
    this.subnet = subnet;
    this.id = id;
  }

  static create(): PodNetwork {
    // A subnet and names of this process: tests of other processes may run at the same time.
    const network = new PodNetwork(200 + (process.pid % 50), `mf${(process.pid % 100_000).toString(36)}`);
    try {
      const bridge = network.namespace('br');
      ip('-n', bridge, 'link', 'add', 'br0', 'type', 'bridge');
      ip('-n', bridge, 'link', 'set', 'br0', 'up');
      const host = `${network.id}h`;
      ip('link', 'add', host, 'type', 'veth', 'peer', 'name', 'node', 'netns', bridge);
      ip('addr', 'add', `10.${network.subnet}.0.1/24`, 'dev', host);
      ip('link', 'set', host, 'up');
      ip('-n', bridge, 'link', 'set', 'node', 'master', 'br0', 'up');
    } catch (error) {
      network.close();
      throw error;
    }
    return network;
  }

  /** A new pod namespace on the bridge; returns its name and address. */
  addPod(): { netns: string; address: string } {
    const index = this.pods++;
    const netns = this.namespace(`p${index}`);
    const address = `10.${this.subnet}.0.${10 + index}`;
    const bridgeEnd = `${this.id}p${index}`;
    ip('link', 'add', bridgeEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
    ip('link', 'set', bridgeEnd, 'netns', this.namespace('br', false));
    ip('-n', this.namespace('br', false), 'link', 'set', bridgeEnd, 'master', 'br0', 'up');
    ip('-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    ip('-n', netns, 'link', 'set', 'eth0', 'up');
    ip('-n', netns, 'link', 'set', 'lo', 'up');
    return { netns, address };
  }

  /** The node's directory at `hostPath` (a hostPath volume's source): one per path, made on first use. */
  hostDirectory(hostPath: string): string {
    let directory = this.hostPaths.get(hostPath);
    if (directory === undefined) {
      directory = fs.mkdtempSync(path.join(os.tmpdir(), `node-${hostPath.replaceAll('/', '_')}-`));
      fs.chmodSync(directory, 0o1777);
      this.hostPaths.set(hostPath, directory);
    }
    return directory;
  }

  close(): void {
    for (const directory of this.hostPaths.values()) fs.rmSync(directory, { recursive: true, force: true });
    for (const netns of this.namespaces.reverse()) {
      try {
        ip('netns', 'del', netns);
      } catch {
        // already gone
      }
      fs.rmSync(path.join('/etc/netns', netns), { recursive: true, force: true });
    }
  }

  private namespace(suffix: string, create = true): string {
    const name = `${this.id}-${suffix}`;
    if (create) {
      ip('netns', 'add', name);
      this.namespaces.push(name);
    }
    return name;
  }
}

export interface RunningContainer {
  readonly name: string;
  readonly child: ChildProcess;
  readonly stderr: string[];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface RunningPod {
  readonly name: string;
  readonly address: string;
  readonly template: PodTemplate;
  readonly containers: RunningContainer[];
  /** The volumes' directories (emptyDir: the pod's; hostPath: the node's), by volume name. */
  readonly volumes: Record<string, string>;
  /** The kubelet's HTTP GET of a container's probe: the status code, 0 when nothing answered. */
  probe(container: string, kind: 'liveness' | 'readiness'): Promise<number>;
  /** GET http://<pod address>:<port><path>, as a scraper in the cluster would. */
  get(port: number, urlPath: string): Promise<{ status: number; text: string }>;
  /** SIGTERM to every container, as the kubelet does on deletion; resolves with each one's exit. */
  terminate(): Promise<Array<{ container: string; code: number | null; signal: NodeJS.Signals | null }>>;
  /** SIGKILL to whatever still runs, and the emptyDir volumes removed (hostPath ones are the node's). */
  destroy(): Promise<void>;
}

export interface PodSpecRun {
  name: string;
  namespace: string;
  template: PodTemplate;
  /** ConfigMaps and Services the pod's containers refer to (a feed's synthesized objects). */
  objects: readonly ClusterObject[];
  /** The pods already running, whose addresses Services resolve to. */
  pods: readonly RunningPod[];
}

/** The environment a container gets: the image's ENV, envFrom ConfigMaps, then env; and PATH. */
function containerEnv(container: Container, run: PodSpecRun, image: ImageConfig, nodeName: string): Record<string, string> {
  const env: Record<string, string> = { PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOSTNAME: run.name, ...image.env };
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (name === undefined) throw new Error(`container ${container.name}: only configMapRef envFrom is supported`);
    const configMap = run.objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name);
    if (configMap === undefined) throw new Error(`container ${container.name}: envFrom names ConfigMap ${name}, which the objects do not hold`);
    Object.assign(env, configMap.data ?? {});
  }
  const fields: Record<string, string> = { 'metadata.name': run.name, 'metadata.namespace': run.namespace, 'spec.nodeName': nodeName };
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.fieldRef !== undefined) {
      const value = fields[variable.valueFrom.fieldRef.fieldPath];
      if (value === undefined) throw new Error(`container ${container.name}: env ${variable.name} refers to ${variable.valueFrom.fieldRef.fieldPath}, which the runner does not provide`);
      env[variable.name] = value;
    } else throw new Error(`container ${container.name}: env ${variable.name} has neither value nor fieldRef`);
  }
  return env;
}

function matchesSelector(labels: Record<string, string> | undefined, selector: Record<string, string> | undefined): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** /etc/hosts of the pod: localhost, the pod's own name, every Service's names → its pod's address. */
function hostsFile(run: PodSpecRun, address: string): string {
  const lines = ['127.0.0.1 localhost', '::1 localhost', `${address} ${run.name}`];
  for (const service of run.objects.filter((object) => object.kind === 'Service')) {
    const target = run.pods.find((pod) => matchesSelector(pod.template.metadata?.labels, service.spec?.selector));
    if (target === undefined) continue;
    for (const port of service.spec?.ports ?? []) {
      if (port.targetPort !== undefined && port.targetPort !== port.port) throw new Error(`Service ${service.metadata.name}: port ${port.port} ≠ targetPort ${String(port.targetPort)}; the runner resolves names, it does not proxy`);
    }
    const { name } = service.metadata;
    const namespace = service.metadata.namespace ?? run.namespace;
    lines.push(`${target.address} ${name}.${namespace}.svc.cluster.local ${name}.${namespace}.svc ${name}.${namespace} ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

function httpPort(probe: Probe, container: Container): number {
  const port = probe.httpGet?.port;
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (named === undefined) throw new Error(`container ${container.name}: probe port ${String(port)} is not one of its ports`);
  return named.containerPort;
}

async function httpGet(url: string): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return { status: response.status, text: await response.text() };
  } catch {
    return { status: 0, text: '' };
  }
}

/** Starts every container of the pod in a new pod namespace of `network`. */
export function runPod(network: PodNetwork, run: PodSpecRun, image: ImageConfig = imageConfig()): RunningPod {
  const { netns, address } = network.addPod();
  fs.mkdirSync(path.join('/etc/netns', netns), { recursive: true });
  fs.writeFileSync(path.join('/etc/netns', netns, 'hosts'), hostsFile(run, address));
  const podSecurity = run.template.spec.securityContext ?? {};
  const volumes: Record<string, string> = {};
  const emptyDirs: string[] = [];
  for (const volume of run.template.spec.volumes ?? []) {
    if (volume.hostPath !== undefined) {
      volumes[volume.name] = network.hostDirectory(volume.hostPath.path);
      continue;
    }
    if (volume.emptyDir === undefined) throw new Error(`pod ${run.name}: volume ${volume.name} is neither an emptyDir nor a hostPath`);
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), `pod-${run.name}-${volume.name}-`));
    fs.chmodSync(directory, podSecurity.fsGroup === undefined ? 0o777 : 0o2777);
    if (podSecurity.fsGroup !== undefined) fs.chownSync(directory, 0, podSecurity.fsGroup);
    volumes[volume.name] = directory;
    emptyDirs.push(directory);
  }
  const workdir = image.workdir === '/app' ? ROOT : image.workdir;
  const containers = run.template.spec.containers.map((container): RunningContainer => {
    const mounts = (container.volumeMounts ?? []).flatMap((mount) => {
      const source = volumes[mount.name];
      if (source === undefined) throw new Error(`container ${container.name}: mounts volume ${mount.name}, which the pod does not have`);
      return [source, mount.mountPath];
    });
    // sh gives the container a /dev/shm of its own (a 64 MiB tmpfs, as a container runtime does: a
    // segment written where no volume is mounted stays in the container, not on the machine), binds
    // each volume over its mountPath (this container's mount namespace), makes / read-only
    // if asked, then execs the container's command: the process the runner signals is the container's own.
    const security = { ...podSecurity, ...container.securityContext };
    const script =
      'mount -t tmpfs -o mode=1777,size=64m shm /dev/shm || exit 126; ' +
      'while [ "$1" != "--" ]; do mount --bind "$1" "$2" || exit 126; shift 2; done; shift; ' +
      'if [ "$1" = ro ]; then mount -o remount,bind,ro / || exit 126; fi; shift; cd "$0" && exec "$@"';
    const user =
      security.runAsUser === undefined
        ? []
        : ['setpriv', '--reuid', String(security.runAsUser), '--regid', String(security.runAsGroup ?? security.runAsUser), ...(podSecurity.fsGroup === undefined ? ['--clear-groups'] : ['--groups', String(podSecurity.fsGroup)]), '--'];
    const command = [...user, ...(container.command ?? image.entrypoint), ...(container.args ?? [])];
    const rootFs = security.readOnlyRootFilesystem === true ? 'ro' : 'rw';
    const child = spawn('ip', ['netns', 'exec', netns, 'sh', '-c', script, workdir, ...mounts, '--', rootFs, ...command], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: containerEnv(container, run, image, network.nodeName),
    });
    const stderr: string[] = [];
    readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
    return { name: container.name, child, stderr, exit };
  });
  const get = (port: number, urlPath: string) => httpGet(`http://${address}:${port}${urlPath}`);
  return {
    name: run.name,
    address,
    template: run.template,
    containers,
    volumes,
    async probe(name, kind) {
      const container = run.template.spec.containers.find((c) => c.name === name);
      if (container === undefined) throw new Error(`pod ${run.name} has no container ${name}`);
      const probe = kind === 'liveness' ? container.livenessProbe : container.readinessProbe;
      if (probe?.httpGet === undefined) throw new Error(`container ${name} has no HTTP ${kind} probe`);
      return (await get(httpPort(probe, container), probe.httpGet.path)).status;
    },
    get,
    async terminate() {
      for (const container of containers) container.child.kill('SIGTERM');
      return Promise.all(containers.map(async (container) => ({ container: container.name, ...(await container.exit) })));
    },
    async destroy() {
      for (const container of containers) if (container.child.exitCode === null && container.child.signalCode === null) container.child.kill('SIGKILL');
      await Promise.all(containers.map((container) => container.exit));
      for (const directory of emptyDirs) fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
