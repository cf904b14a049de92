// The live-health loop of the leader: every scrape interval it scrapes the metrics
// endpoints of every feed's pods (at most `concurrency` at once, each within `timeoutMs`
// and `maxBytes`), measures and judges each feed (feed-health.ts), and writes status only
// when it must:
//   - the Healthy condition when its status or reason flips (at once, with an Event), from
//     the first round that finds a running pod of the feed (before that, nothing);
//   - status.health numbers (2 significant digits) and the condition's message at most
//     once per `statusRefreshMs` per feed, and only when something shown changed.
// For rollouts it keeps, in memory only, each feed's latest round with the pods it scraped
// (revisionHealth judges a revision on them, revision-health.ts), and after each round asks
// for a reconcile of every feed whose rollout is waiting for a verdict (no write by itself).
// It runs beside the reconcile workers, never inside a reconcile. Its writes carry the
// resourceVersion they were computed from, so a concurrent status write by the reconciler
// is never overwritten with stale conditions (the loser retries on the next round).
import type { Logger } from 'pino';
import type { FeedHealth, FeedSlo } from '../../cdk8s/api/feed-health-types.ts';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { FIELD_MANAGER, type MarketFeed } from '../../cdk8s/api/marketfeed-types.ts';
import { labelValue } from '../../cdk8s/feed/feed-names.ts';
import { parseFeedKey, type OperatorCache } from '../cache/operator-cache.ts';
import type { ResilientInformer } from '../cache/resilient-informer.ts';
import type { EventRecorder } from '../events/event-recorder.ts';
import { ApiError, type KubeClient } from '../kube/kube-client.ts';
import { MARKETFEED } from '../kube/resource-types.ts';
import { findCondition, kubeTime, setCondition, type ConditionUpdate } from '../reconcile/conditions.ts';
import { sameJson } from '../reconcile/drift.ts';
import type { RevisionPods } from '../rollout/revision.ts';
import { mapWithConcurrency } from './bounded-concurrency.ts';
import { healthNumbers, judgeHealth, measureFeed, type EndpointOutcome, type EndpointSnapshot, type HealthJudgement } from './feed-health.ts';
import { fetchMetrics } from './metrics-fetch.ts';
import { groupPodsByFeed, metricsEndpoints, podGroupKey, type MetricsEndpoint } from './pod-endpoints.ts';
import { judgeRevisionHealth, type FeedRound, type RevisionHealth, type ScrapedEndpoint } from './revision-health.ts';

export interface HealthSettings {
  /** Time between the end of one scrape round and the start of the next, ms. */
  scrapeIntervalMs: number;
  /** status.health is rewritten at most this often per feed, ms. */
  statusRefreshMs: number;
  /** Per scrape: connect, headers and body, ms. */
  timeoutMs: number;
  /** Scrapes in flight at once, over all feeds. */
  concurrency: number;
  /** Largest /metrics body read, bytes. */
  maxBytes: number;
}

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = {
  scrapeIntervalMs: 15_000,
  statusRefreshMs: 60_000,
  timeoutMs: 2_000,
  concurrency: 8,
  maxBytes: 1024 * 1024,
};

export interface HealthMonitorOptions {
  cache: OperatorCache;
  pods: ResilientInformer;
  client: KubeClient;
  events: EventRecorder;
  logger: Logger;
  settings: HealthSettings;
  /** Called once per scrape with how it ended, for the operator's metrics. */
  onScrape?: (outcome: 'ok' | 'failed') => void;
  onStatusWrite?: () => void;
  /** After each round, for every feed whose rollout waits for a verdict (Progressing or Failed): reconcile it. */
  onRolloutWaiting?: (key: string) => void;
}

interface FeedState {
  snapshots: Map<string, EndpointSnapshot>;
  /** Readings taken while their pod was Ready, and the latest round: what rollouts are judged on. */
  readySnapshots: Map<string, EndpointSnapshot>;
  round?: FeedRound;
  /** The judgement last reported (for Events: one per transition, however often it is written). */
  judged?: HealthJudgement;
  lastWriteMs?: number;
}

export class HealthMonitor {
  private readonly options: HealthMonitorOptions;
  private readonly states = new Map<string, FeedState>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private running = false;

  constructor(options: HealthMonitorOptions) {
    this.options = options;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops scraping; resolves once the round in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.round;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.round = this.scrapeRound()
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'health: scrape round failed'))
        .finally(() => {
          this.round = undefined;
          this.schedule(this.options.settings.scrapeIntervalMs);
        });
    }, delayMs);
  }

  /** One round over every feed in the cache. */
  async scrapeRound(): Promise<void> {
    const { cache, pods, settings } = this.options;
    // An empty pod cache would read as "every feed lost its pods": wait for the first list.
    if (!pods.synced) return;
    const podsByFeed = groupPodsByFeed(pods.list());
    const feeds = cache.feedKeys().map((key) => {
      const { namespace, name } = parseFeedKey(key);
      return { key, endpoints: metricsEndpoints(podsByFeed.get(podGroupKey(namespace, labelValue(name))) ?? []) };
    });
    const jobs = feeds.flatMap((feed) => feed.endpoints.map((endpoint) => ({ feed: feed.key, endpoint })));
    const outcomes = await mapWithConcurrency(jobs, settings.concurrency, async ({ endpoint }: { endpoint: MetricsEndpoint }) => {
      const result = await fetchMetrics(endpoint.url, settings);
      this.options.onScrape?.(result.ok ? 'ok' : 'failed');
      return { key: endpoint.key, result, atMs: performance.now() } satisfies EndpointOutcome;
    });
    const byFeed = new Map<string, ScrapedEndpoint[]>();
    jobs.forEach((job, index) => byFeed.set(job.feed, [...(byFeed.get(job.feed) ?? []), { pod: job.endpoint.pod, outcome: outcomes[index] }]));
    for (const key of [...this.states.keys()]) if (!feeds.some((feed) => feed.key === key)) this.states.delete(key);
    for (const { key } of feeds) {
      if (!this.running) return;
      const scraped = byFeed.get(key) ?? [];
      await this.report(key, this.keepRound(key, scraped), scraped.map((endpoint) => endpoint.outcome));
      this.askForVerdict(key);
    }
  }

  /** A rollout waiting for a verdict is judged again on this round. */
  private askForVerdict(key: string): void {
    const { namespace, name } = parseFeedKey(key);
    const phase = this.options.cache.feed(namespace, name)?.status?.rollout?.phase;
    if (phase === 'Progressing' || phase === 'Failed') this.options.onRolloutWaiting?.(key);
  }

  /** The feed's latest round, kept for rollouts, with the readings of ready pods it adds. */
  private keepRound(key: string, scraped: ScrapedEndpoint[]): FeedState {
    const state: FeedState = this.states.get(key) ?? { snapshots: new Map(), readySnapshots: new Map() };
    this.states.set(key, state);
    state.round = { endpoints: scraped, readyBefore: state.readySnapshots };
    state.readySnapshots = new Map(
      scraped.flatMap(({ pod, outcome }) => (pod.ready && outcome.result.ok ? [[outcome.key, { reading: outcome.result.reading, atMs: outcome.atMs }]] : [])),
    );
    return state;
  }

  /**
   * The revision whose Deployments run `pods`, judged on the feed's latest round in this
   * process (none yet: not healthy); never on the stored Healthy condition.
   */
  revisionHealth(key: string, pods: readonly RevisionPods[], slo: FeedSlo | undefined): RevisionHealth {
    return judgeRevisionHealth(this.states.get(key)?.round, pods, slo);
  }

  private async report(key: string, state: FeedState, outcomes: EndpointOutcome[]): Promise<void> {
    const { namespace, name } = parseFeedKey(key);
    const feed = this.options.cache.feed(namespace, name);
    if (feed === undefined || (feed.metadata as KubeObject['metadata']).deletionTimestamp !== undefined) return;
    const measurement = measureFeed(state.snapshots, outcomes);
    state.snapshots = new Map(outcomes.flatMap((outcome) => (outcome.result.ok ? [[outcome.key, { reading: outcome.result.reading, atMs: outcome.atMs }]] : [])));
    const judgement = judgeHealth(measurement, feed.spec?.slo, feed.spec?.paused === true);
    const numbers = healthNumbers(measurement);
    // The publisher answered but has no previous reading here (a new leader, a new pod): no
    // rates yet. Keep what is stored rather than write "Measuring" over it.
    const warmingUp = measurement.publishers > 0 && measurement.recordsPerSecond === undefined;
    if (warmingUp && findCondition(feed.status?.conditions, 'Healthy') !== undefined) return;
    await this.write(feed, state, judgement, numbers);
  }

  private async write(feed: MarketFeed, state: FeedState, judgement: HealthJudgement, numbers: Omit<FeedHealth, 'lastScrapeTime'>): Promise<void> {
    const stored = feed.status;
    const storedCondition = findCondition(stored?.conditions, 'Healthy');
    // Nothing to judge before the first pod runs (Ready already says why): no condition, no write.
    if (storedCondition === undefined && numbers.endpoints === 0) return;
    const generation = feed.metadata.generation ?? 0;
    state.judged ??= storedCondition === undefined ? undefined : { status: storedCondition.status, reason: storedCondition.reason as HealthJudgement['reason'], message: storedCondition.message };
    const flips = storedCondition?.status !== judgement.status || storedCondition.reason !== judgement.reason || storedCondition.observedGeneration !== generation;
    const { lastScrapeTime: storedTime, ...storedNumbers } = stored?.health ?? {};
    const lastWriteMs = state.lastWriteMs ?? (storedTime === undefined ? undefined : Date.parse(storedTime));
    const due = lastWriteMs === undefined || Number.isNaN(lastWriteMs) || Date.now() - lastWriteMs >= this.options.settings.statusRefreshMs;
    const shownChanged = !sameJson(storedNumbers, numbers) || storedCondition?.message !== judgement.message;
    if (!flips && !(due && shownChanged)) return;

    const now = new Date();
    const update: ConditionUpdate = { type: 'Healthy', status: judgement.status, reason: judgement.reason, message: judgement.message, observedGeneration: generation };
    const health: Record<string, unknown> = { ...numbers, lastScrapeTime: kubeTime(now) };
    // A merge patch: numbers no longer measured are removed with null.
    for (const field of Object.keys(storedNumbers)) if (!(field in numbers)) health[field] = null;
    const patch = {
      metadata: { resourceVersion: feed.metadata.resourceVersion },
      status: { health, conditions: setCondition(stored?.conditions, update, kubeTime(now)) },
    };
    const { cache, client, logger } = this.options;
    const { namespace, name } = feed.metadata;
    try {
      const before = cache.cachedVersion(MARKETFEED, namespace, name);
      const written = await client.mergePatch<KubeObject>(MARKETFEED, namespace, name, patch, 'status', FIELD_MANAGER);
      cache.recordWrite(MARKETFEED, namespace, name, before, written);
      this.options.onStatusWrite?.();
    } catch (error) {
      // 409: the reconciler wrote meanwhile; 404: the feed is gone. Next round decides again.
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) return;
      logger.warn({ err: error, feed: `${namespace}/${name}` }, 'health: status write failed');
      return;
    }
    state.lastWriteMs = now.getTime();
    const previous = state.judged;
    state.judged = judgement;
    if (previous?.status === judgement.status && previous.reason === judgement.reason) return;
    logger.info({ feed: `${namespace}/${name}`, healthy: judgement.status, reason: judgement.reason, message: judgement.message }, 'health: Healthy changed');
    await this.options.events.record(feed, judgement.status === 'False' ? 'Warning' : 'Normal', judgement.reason, judgement.message);
  }
}
