// A test API server plus operator replicas run in-process with the real client-node over
// HTTP, and the helpers the scenario tests share: feeds in and out of the server's store,
// writes by replica (User-Agent) from the request log, and polling waits.
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import type { KubeObject } from '../../../cdk8s/api/kube-object.ts';
import { MARKETFEED_API_VERSION, MARKETFEED_KIND, type MarketFeedCondition, type MarketFeedSpecInput, type MarketFeedStatus } from '../../../cdk8s/api/marketfeed-types.ts';
import { feedObjectNames } from '../../../cdk8s/feed/feed-names.ts';
import type { HealthSettings } from '../../../operator/health/health-monitor.ts';
import type { LeaderElectionTiming } from '../../../operator/leader/leader-elector.ts';
import { runOperator, type RunningOperator } from '../../../operator/run-operator.ts';
import { startTestApiServer, type RequestRecord, type TestApiServer, type TestApiServerOptions } from '../../kube/test-api-server.ts';
import { eventually, waitFor } from './wait.ts';

export const NAMESPACE = 'feeds';
export const FAST_ELECTION: Partial<LeaderElectionTiming> = { leaseDurationMs: 2_000, renewIntervalMs: 300, renewDeadlineMs: 1_500, retryPeriodMs: 150 };
export const OWNED = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
] as const;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'apply', 'delete', 'deletecollection']);

/** Set MARKETFEED_TEST_LOG=debug to see the operators' logs. */
function testLogger(): Logger {
  const level = process.env.MARKETFEED_TEST_LOG ?? 'silent';
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}

export interface ReplicaOptions {
  identity?: string;
  leaderElection?: boolean;
  workers?: number;
  /** Watch only this namespace (default: all). */
  namespace?: string;
  /** Live feed health settings (default: the operator's defaults); false: off. */
  health?: Partial<HealthSettings> | false;
}

export class OperatorHarness {
  readonly server: TestApiServer;
  readonly replicas: Array<RunningOperator & { registry: Registry }> = [];

  private constructor(server: TestApiServer) {
    this.server = server;
  }

  static async start(options: TestApiServerOptions = {}): Promise<OperatorHarness> {
    return new OperatorHarness(await startTestApiServer({ namespaces: ['default', NAMESPACE], ...options }));
  }

  async startReplica(options: ReplicaOptions = {}): Promise<RunningOperator & { registry: Registry }> {
    const registry = new Registry();
    const identity = options.identity ?? `replica-${this.replicas.length + 1}`;
    const running = await runOperator({
      kubeConfig: this.server.kubeConfig(),
      identity,
      workers: options.workers ?? 2,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      leaderElection: options.leaderElection === true ? { namespace: NAMESPACE, timing: FAST_ELECTION } : false,
      logger: testLogger().child({ replica: identity }),
      registry,
      // Fast retries keep the fault scenarios short; the bounds are tested in the queue tests.
      backoff: { baseMs: 20, maxMs: 500, jitter: 0.5 },
      ...(options.health === undefined ? {} : { health: options.health }),
    });
    const replica = Object.assign(running, { registry });
    this.replicas.push(replica);
    return replica;
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.stop()));
    await this.server.close();
  }

  createFeed(name: string, spec: MarketFeedSpecInput = {}, namespace = NAMESPACE): KubeObject {
    return this.server.store.put({ apiVersion: MARKETFEED_API_VERSION, kind: MARKETFEED_KIND, metadata: { name, namespace }, spec });
  }

  feed(name: string): KubeObject | undefined {
    return this.server.store.get(MARKETFEED_API_VERSION, MARKETFEED_KIND, NAMESPACE, name);
  }

  status(name: string): MarketFeedStatus | undefined {
    return this.feed(name)?.status as MarketFeedStatus | undefined;
  }

  condition(name: string, type: string): MarketFeedCondition | undefined {
    return this.status(name)?.conditions?.find((condition) => condition.type === type);
  }

  /** Changes the spec as a user would (status kept): generation moves on. */
  updateSpec(name: string, change: (spec: Record<string, unknown>) => void): KubeObject {
    const feed = this.feed(name);
    if (feed === undefined) throw new Error(`no MarketFeed ${name}`);
    change(feed.spec as Record<string, unknown>);
    return this.server.store.put(feed);
  }

  /** The feed's objects in the store, keyed "Kind/name". */
  ownedObjects(name: string): Map<string, KubeObject> {
    const objects = new Map<string, KubeObject>();
    for (const { apiVersion, kind } of OWNED) {
      for (const object of this.server.store.list(apiVersion, kind, NAMESPACE)) {
        if (object.metadata.labels?.['marketfeed.dev/feed'] === name) objects.set(`${kind}/${object.metadata.name}`, object);
      }
    }
    return objects;
  }

  names(name: string): ReturnType<typeof feedObjectNames> {
    return feedObjectNames(name);
  }

  /** What a kubelet and the Deployment controller would report once the pods are ready. */
  markReady(name: string): void {
    const names = feedObjectNames(name);
    for (const deployment of [names.feedDeployment, names.tcpConsumers]) {
      if (this.server.store.get('apps/v1', 'Deployment', NAMESPACE, deployment) !== undefined) this.server.store.markDeploymentReady(NAMESPACE, deployment);
    }
  }

  async waitForCondition(name: string, type: string, status: string, reason?: string): Promise<MarketFeedCondition> {
    return eventually(
      () => {
        const condition = this.condition(name, type);
        const generation = this.feed(name)?.metadata.generation;
        if (condition?.status !== status || (reason !== undefined && condition.reason !== reason)) return undefined;
        return this.status(name)?.observedGeneration === generation ? condition : undefined;
      },
      {
        what: () =>
          `${name}: ${type}=${status}${reason === undefined ? '' : ` (${reason})`}; status now ${JSON.stringify(this.status(name))}, generation ${this.feed(name)?.metadata.generation}; ` +
          `open watches ${JSON.stringify(this.server.watches())}`,
      },
    );
  }

  /** Successful writes in the request log (optionally after a sequence number). */
  writes(afterSeq = 0): RequestRecord[] {
    return this.server.requests.all().filter((record) => record.seq > afterSeq && WRITE_VERBS.has(record.verb) && record.status < 300);
  }

  /** Writes other than the leader-election Lease (whose renewals are writes by design). */
  objectWrites(afterSeq = 0): RequestRecord[] {
    return this.writes(afterSeq).filter((record) => record.resource !== 'leases.coordination.k8s.io' && record.resource !== 'leases');
  }

  lastSeq(): number {
    return this.server.requests.all().reduce((max, record) => Math.max(max, record.seq), 0);
  }

  /** Waits until the operators have nothing left to do: no writes for a quiet spell. */
  async settle(quietMs = 400): Promise<void> {
    // Counting writes is cheap (the request log), unlike listing objects.
    let seen = -1;
    let since = performance.now();
    await waitFor(
      () => {
        const count = this.objectWrites().length;
        if (count !== seen) {
          seen = count;
          since = performance.now();
          return false;
        }
        return performance.now() - since >= quietMs && this.replicas.every((replica) => replica.manager.cacheSynced);
      },
      { what: 'the operators to settle' },
    );
  }
}
