// The operator's Prometheus metrics, on the registry the process serves at /metrics.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type ReconcileResult = 'changed' | 'unchanged' | 'absent' | 'invalid' | 'error';

export class OperatorMetrics {
  readonly reconciles: Counter<'result'>;
  readonly reconcileErrors: Counter;
  readonly reconcileDuration: Histogram;
  readonly queueDepth: Gauge;
  readonly watchRestarts: Counter<'kind'>;
  readonly apiWrites: Counter<'verb' | 'kind'>;
  readonly isLeader: Gauge;
  readonly feeds: Gauge;
  readonly healthScrapes: Counter<'result'>;
  readonly rolloutEvents: Counter<'reason'>;

  constructor(registry: Registry, read: { queueDepth: () => number; feeds: () => number }) {
    const registers = [registry];
    this.reconciles = new Counter({
      name: 'marketfeed_operator_reconcile_total',
      help: 'Reconciles by result: changed (wrote something), unchanged (wrote nothing), absent (feed gone), invalid (spec reported Degraded), error (requeued with backoff)',
      labelNames: ['result'],
      registers,
    });
    this.reconcileErrors = new Counter({ name: 'marketfeed_operator_reconcile_errors_total', help: 'Reconciles that failed and were requeued with backoff', registers });
    this.reconcileDuration = new Histogram({
      name: 'marketfeed_operator_reconcile_duration_seconds',
      help: 'Time per reconcile of one MarketFeed',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'marketfeed_operator_queue_depth',
      help: 'MarketFeed keys waiting in the work queue',
      registers,
      collect() {
        this.set(read.queueDepth());
      },
    });
    this.watchRestarts = new Counter({
      name: 'marketfeed_operator_watch_restarts_total',
      help: 'Informers restarted after a list or watch error (410 Gone re-lists and clean reconnects are not counted)',
      labelNames: ['kind'],
      registers,
    });
    this.apiWrites = new Counter({
      name: 'marketfeed_operator_api_writes_total',
      help: 'Writes to the Kubernetes API by verb (apply, create, patch, delete) and kind',
      labelNames: ['verb', 'kind'],
      registers,
    });
    this.rolloutEvents = new Counter({
      name: 'marketfeed_operator_rollout_events_total',
      help: 'Rollout transitions recorded as Events, by reason: RolloutStarted, RolloutComplete, RolledBack, RolloutFailed',
      labelNames: ['reason'],
      registers,
    });
    this.isLeader = new Gauge({ name: 'marketfeed_operator_is_leader', help: '1 while this replica holds the leader lease and reconciles', registers });
    this.feeds = new Gauge({
      name: 'marketfeed_operator_feeds',
      help: 'MarketFeeds in the cache',
      registers,
      collect() {
        this.set(read.feeds());
      },
    });
    this.healthScrapes = new Counter({
      name: 'marketfeed_operator_health_scrapes_total',
      help: "Scrapes of the feed pods' metrics endpoints by the health loop, by result (ok, failed: timeout, refused, HTTP error, too large, malformed)",
      labelNames: ['result'],
      registers,
    });
  }
}
