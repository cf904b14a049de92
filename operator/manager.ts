// The controller-runtime style Manager: it owns the caches (informers, on every replica so
// that a standby can take over warm), leader election, the work queue and its workers,
// metrics and readiness. Only the leader runs workers; each leadership term gets a fresh
// queue filled with every feed in the cache, and losing the lease stops the workers
// (in-flight reconciles finish) without stopping the process. stop() is the graceful
// shutdown of SIGTERM: stop the watches, let in-flight reconciles finish, release the lease.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { FIELD_MANAGER } from '../cdk8s/api/marketfeed-types.ts';
import { MANAGED_SELECTOR, OperatorCache, resilientInformerFor } from './cache/operator-cache.ts';
import type { ResilientInformer } from './cache/resilient-informer.ts';
import { KubeEventRecorder } from './events/event-recorder.ts';
import { DEFAULT_HEALTH_SETTINGS, HealthMonitor, type HealthSettings } from './health/health-monitor.ts';
import { POD } from './health/pod-endpoints.ts';
import { KubeClient } from './kube/kube-client.ts';
import { KubeLeaseClient } from './leader/lease-client.ts';
import { LeaderElector, type LeaderElectionTiming } from './leader/leader-elector.ts';
import { OperatorMetrics } from './operator-metrics.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from './queue/backoff.ts';
import { WorkQueue } from './queue/work-queue.ts';
import { MarketFeedReconciler, RequeueError } from './reconcile/marketfeed-reconciler.ts';

export interface LeaderElectionConfig {
  /** Namespace of the Lease. */
  namespace: string;
  /** Name of the Lease (default marketfeed-operator). */
  name?: string;
  timing?: Partial<LeaderElectionTiming>;
}

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  /** Watch MarketFeeds (and their objects) in this namespace only; all namespaces when undefined. */
  namespace: string | undefined;
  /** Reconciles running at once (never two for the same feed). */
  workers: number;
  /** undefined: no election, this replica always reconciles. */
  leaderElection: LeaderElectionConfig | undefined;
  /** Who this replica is, in the Lease, Events and User-Agent. */
  identity: string;
  logger: Logger;
  registry: Registry;
  /** Retry backoff per feed key (default 100 ms doubling to 60 s, with jitter). */
  backoff?: BackoffOptions;
  /** Per-request timeout of API calls, ms (default 30 s). */
  requestTimeoutMs?: number;
  /** The operator's own namespace (default marketfeed-system): the feeds' NetworkPolicies admit its pods to the metrics ports. */
  operatorNamespace?: string;
  /** Live feed health (scraping the feed pods' metrics); false: off. Defaults: DEFAULT_HEALTH_SETTINGS. */
  health?: Partial<HealthSettings> | false;
}

export const DEFAULT_LEASE_NAME = 'marketfeed-operator';

export class Manager {
  readonly identity: string;
  readonly metrics: OperatorMetrics;
  private readonly options: ManagerOptions;
  private readonly logger: Logger;
  private readonly cache: OperatorCache;
  private readonly reconciler: MarketFeedReconciler;
  private readonly elector: LeaderElector | undefined;
  /** Pods of the feeds (for their metrics endpoints) and the loop that scrapes them, only while leading. */
  private readonly pods: ResilientInformer | undefined;
  private readonly health: HealthMonitor | undefined;
  private readonly clients: KubeClient[] = [];
  private queue: WorkQueue | undefined;
  private workers: Promise<void>[] = [];
  /** Leadership transitions run one after the other. */
  private transitions: Promise<void> = Promise.resolve();
  private term = 0;
  /** Ends a leadership term's wait for the caches early (lost the lease, or stopping). */
  private interruptWait: (() => void) | undefined;
  private leading = false;
  private stopping = false;

  constructor(options: ManagerOptions) {
    this.options = options;
    this.identity = options.identity;
    // Every line of this replica and its parts says which replica it is (bound once, never repeated in a call).
    this.logger = options.logger.child({ identity: options.identity });
    this.metrics = new OperatorMetrics(options.registry, { queueDepth: () => this.queue?.depth ?? 0, feeds: () => this.cache.feedKeys().length });
    const userAgent = `marketfeed-operator (${options.identity})`;
    const client = new KubeClient({
      kubeConfig: options.kubeConfig,
      userAgent,
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
      onWrite: (verb, kind) => this.metrics.apiWrites.inc({ verb, kind }),
    });
    this.clients.push(client);
    this.cache = new OperatorCache({
      kubeConfig: options.kubeConfig,
      client,
      namespace: options.namespace,
      logger: this.logger,
      onWatchRestart: (kind) => this.metrics.watchRestarts.inc({ kind }),
      onFeedEvent: (key) => {
        this.logger.trace({ feed: key, queued: this.queue !== undefined }, 'event');
        this.queue?.add(key);
      },
    });
    const events = new KubeEventRecorder(client, options.identity, this.logger);
    this.reconciler = new MarketFeedReconciler({
      cache: this.cache,
      client,
      events,
      logger: this.logger,
      requeueAfter: (key, delayMs) => this.queue?.addAfter(key, delayMs),
      onRolloutEvent: (reason) => this.metrics.rolloutEvents.inc({ reason }),
      ...(options.operatorNamespace === undefined ? {} : { operatorNamespace: options.operatorNamespace }),
      // With live health on, a revision is good only once its own pods are healthy.
      ...(options.health === false ? {} : { revisionHealth: (key, pods, slo) => this.health!.revisionHealth(key, pods, slo) }),
    });
    if (options.health !== false) {
      const onWatchRestart = (kind: string) => this.metrics.watchRestarts.inc({ kind });
      this.pods = resilientInformerFor({ kubeConfig: options.kubeConfig, client, namespace: options.namespace, logger: this.logger, onWatchRestart }, POD, MANAGED_SELECTOR);
      this.health = new HealthMonitor({
        cache: this.cache,
        pods: this.pods,
        client,
        events,
        logger: this.logger.child({ loop: 'health' }),
        settings: { ...DEFAULT_HEALTH_SETTINGS, ...options.health },
        onScrape: (result) => this.metrics.healthScrapes.inc({ result }),
        onRolloutWaiting: (key) => this.queue?.add(key),
      });
    }
    if (options.leaderElection !== undefined) {
      const { namespace, name = DEFAULT_LEASE_NAME, timing } = options.leaderElection;
      // Lease calls must give up well before the renew deadline.
      const leaseClient = new KubeClient({ kubeConfig: options.kubeConfig, userAgent, timeoutMs: 5_000, onWrite: (verb, kind) => this.metrics.apiWrites.inc({ verb, kind }) });
      this.clients.push(leaseClient);
      this.elector = new LeaderElector({
        client: new KubeLeaseClient(leaseClient, namespace, name, FIELD_MANAGER),
        identity: options.identity,
        logger: this.logger,
        ...(timing === undefined ? {} : { timing }),
        onStartedLeading: () => this.lead(),
        onStoppedLeading: () => this.follow(),
      });
    }
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get cacheSynced(): boolean {
    return this.cache.synced;
  }

  /** Why /readyz should fail, or undefined when ready (caches synced, not stopping). */
  notReadyReason(): string | undefined {
    if (this.stopping) return 'stopping';
    if (!this.cache.synced) return `caches not synced: ${this.cache.unsynced.join(', ')}`;
    return undefined;
  }

  async start(): Promise<void> {
    this.logger.info(
      { namespace: this.options.namespace ?? '(all)', workers: this.options.workers, leaderElection: this.options.leaderElection ?? false },
      'operator starting',
    );
    await Promise.all([this.cache.start(), this.pods?.start()]);
    if (this.elector === undefined) this.lead();
    else this.elector.start();
  }

  /** Graceful shutdown: stop watching, finish in-flight reconciles, release the lease. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.logger.info('operator stopping: closing watches, finishing reconciles in flight');
    await Promise.all([this.cache.stop(), this.pods?.stop()]);
    this.follow();
    await this.transitions;
    await this.elector?.stop();
    await Promise.all(this.clients.map((client) => client.close()));
    this.metrics.isLeader.set(0);
    this.logger.info('operator stopped');
  }

  private lead(): void {
    if (this.stopping) return;
    const term = ++this.term;
    this.transitions = this.transitions.then(async () => {
      if (term !== this.term || this.stopping) return;
      await Promise.race([this.cache.whenSynced(), new Promise<void>((resolve) => (this.interruptWait = resolve))]);
      this.interruptWait = undefined;
      if (term !== this.term || this.stopping) return;
      this.leading = true;
      this.metrics.isLeader.set(1);
      const queue = new WorkQueue(this.options.backoff ?? DEFAULT_BACKOFF);
      this.queue = queue;
      for (const key of this.cache.feedKeys()) queue.add(key);
      this.logger.info({ feeds: queue.depth, term }, 'leading: reconciling');
      this.workers = Array.from({ length: this.options.workers }, () => this.work(queue));
      this.health?.start();
    });
  }

  private follow(): void {
    const term = ++this.term;
    this.interruptWait?.();
    this.transitions = this.transitions.then(async () => {
      const queue = this.queue;
      if (queue === undefined) return;
      this.queue = undefined;
      this.leading = false;
      this.metrics.isLeader.set(0);
      queue.shutDown();
      await Promise.all([...this.workers, this.health?.stop()]);
      this.workers = [];
      this.logger.info({ term }, 'not leading: workers stopped');
    });
  }

  private async work(queue: WorkQueue): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      const endTimer = this.metrics.reconcileDuration.startTimer();
      try {
        const result = await this.reconciler.reconcile(key);
        queue.forget(key);
        this.metrics.reconciles.inc({ result });
        this.logger.debug({ feed: key, result }, 'reconciled');
      } catch (error) {
        const retryInMs = Math.round(queue.addRateLimited(key));
        this.metrics.reconciles.inc({ result: 'error' });
        this.metrics.reconcileErrors.inc();
        const level = error instanceof RequeueError ? 'info' : 'warn';
        this.logger[level]({ feed: key, err: error, retryInMs, failures: queue.failuresOf(key) }, 'reconcile failed; retrying with backoff');
      } finally {
        endTimer();
        queue.done(key);
      }
    }
  }
}
