// `npm run bench -- operator-health`: the status-write budget of live feed health. 200
// MarketFeeds against the test API server (test/kube), each with a pod whose metrics
// endpoint is a real HTTP server on its own loopback address (127.0.0.2 …) and whose
// numbers move on every scrape (the worst case); the real `marketfeed operator` in a child
// process scrapes them every second with a short refresh interval. Once every feed is
// Healthy, every status write and Event in a window is counted, per feed and refresh
// interval (the budget: at most one, i.e. one a minute per feed at the default 60 s).
import { spawn } from 'node:child_process';
import type { MarketFeedStatus } from '../../cdk8s/api/marketfeed-types.ts';
import { OPERATOR_NODE_OPTIONS } from '../../cdk8s/install/operator-install.ts';
import { FakeFeedPods, restlessEndpoint } from '../../test/operator/health/fake-feed-pods.ts';
import type { BenchOptions, BenchReport, ResultRow } from '../lib/bench-report.ts';
import { BENCH_NAMESPACE, OPERATOR_CLI, startBenchApiServer } from './bench-api-server.ts';
import { cleanupOnSignal } from '../lib/signal-cleanup.ts';
import { atLeast, atMost } from '../lib/targets.ts';

const FEEDS = 200;
const NAMESPACE = BENCH_NAMESPACE;
const CLI = OPERATOR_CLI;
const SCRAPE_INTERVAL_S = 1;
const REFRESH_S = 5;
const HEALTHY_LIMIT_MS = 180_000;

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  // --quick: one refresh period and a bit (the budget is per refresh period, so a write loop still shows).
  const windowS = options.quick ? 7 : 60;
  const api = await startBenchApiServer('marketfeed-health-bench-');
  const { server, kubeconfig } = api;
  const pods = new FakeFeedPods(server);
  const rows: ResultRow[] = [];
  const errors: string[] = [];
  const names = Array.from({ length: FEEDS }, (_, index) => `feed-${String(index).padStart(3, '0')}`);
  for (const [index, name] of names.entries()) {
    server.store.put({ apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed', metadata: { name, namespace: NAMESPACE }, spec: {} });
    await pods.addPod({ feed: name, namespace: NAMESPACE, name: `${name}-pod`, containers: [{ name: 'publisher', answer: restlessEndpoint(index) }] });
  }
  const args = ['operator', '--kubeconfig', kubeconfig, '--metrics-port', '0', '--log-level', 'warn', '--health-interval', String(SCRAPE_INTERVAL_S), '--health-refresh', String(REFRESH_S)];
  const operator = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_OPTIONS: OPERATOR_NODE_OPTIONS } });
  const unregister = cleanupOnSignal(() => operator.kill('SIGKILL'));
  try {
    const healthy = (): number =>
      server.store
        .list('marketfeed.dev/v1alpha1', 'MarketFeed', NAMESPACE)
        .filter((feed) => {
          const status = feed.status as MarketFeedStatus | undefined;
          return status?.conditions?.some((c) => c.type === 'Healthy' && c.status === 'True') === true && status.health?.recordsPerSecond !== undefined;
        }).length;
    const deadline = performance.now() + HEALTHY_LIMIT_MS;
    while (healthy() < FEEDS) {
      if (performance.now() > deadline) throw new Error(`not every feed Healthy within ${HEALTHY_LIMIT_MS / 1000} s: ${healthy()} of ${FEEDS}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const from = server.requests.mark();
    const eventsBefore = server.store.list('v1', 'Event', NAMESPACE).length;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowS * 1000));
    const seconds = (performance.now() - started) / 1000;
    const writes = server.requests.since(from, { resource: 'marketfeeds.marketfeed.dev', subresource: 'status' }).filter((record) => record.verb === 'patch' && record.status < 300).length;
    const perFeed = new Map<string, number>();
    for (const record of server.requests.since(from, { subresource: 'status', verb: 'patch' })) perFeed.set(record.name ?? '', (perFeed.get(record.name ?? '') ?? 0) + 1);
    rows.push({
      case: `health-${FEEDS}`,
      impl: 'marketfeed',
      feeds: FEEDS,
      window_seconds: Math.round(seconds),
      refresh_seconds: REFRESH_S,
      status_writes: writes,
      writes_per_feed_per_refresh: Math.round((writes / FEEDS / (seconds / REFRESH_S)) * 100) / 100,
      most_writes_one_feed: Math.max(0, ...perFeed.values()),
      events: server.store.list('v1', 'Event', NAMESPACE).length - eventsBefore,
    });
  } catch (error) {
    errors.push(`health-${FEEDS} marketfeed: ${(error as Error).message}`);
  } finally {
    operator.kill('SIGTERM');
    if (operator.exitCode === null && operator.signalCode === null) await new Promise((resolve) => operator.once('exit', resolve));
    unregister();
    await api.close();
    await pods.close();
  }
  const row = rows[0] as ResultRow | undefined;
  const figure = (key: string): number | undefined => (typeof row?.[key] === 'number' ? row[key] : undefined);
  return {
    rows,
    baseline: 'marketfeed',
    caseTitles: { [`health-${FEEDS}`]: `${FEEDS} Healthy feeds whose numbers move on every scrape (every ${SCRAPE_INTERVAL_S} s); status writes in ${windowS} s, refresh interval ${REFRESH_S} s` },
    notes: [
      'the test API server and the feed pods (one HTTP server per pod on 127.0.0.N, prom-client text) run in the bench process; the operator is the real CLI in a child process',
      'the operator default refresh interval is 60 s: writes_per_feed_per_refresh is then status writes per feed per minute',
    ],
    targets: [
      atMost('at most one status write per feed per refresh interval', figure('writes_per_feed_per_refresh'), 1, (value) => `${value}`),
      atMost('no Event while the Healthy condition holds', figure('events'), 0, (value) => `${value} Events`),
      atLeast('every feed Healthy', row === undefined ? undefined : FEEDS, FEEDS, (value) => `${value} feeds`),
    ],
    errors,
  };
}
