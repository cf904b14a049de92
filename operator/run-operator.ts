// Entry point of the operator as a library: runOperator(config) starts a Manager and hands
// back a handle; the `marketfeed operator` command (runtime/cli/commands/operator.ts) wraps
// it in a process (kubeconfig or in-cluster config, metrics server, SIGTERM).
import os from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { HealthSettings } from './health/health-monitor.ts';
import type { LeaderElectionTiming } from './leader/leader-elector.ts';
import { DEFAULT_LEASE_NAME, Manager } from './manager.ts';
import type { BackoffOptions } from './queue/backoff.ts';

export interface OperatorConfig {
  /** Where the API server is and how to authenticate (loadFromCluster, loadFromFile, ...). */
  kubeConfig: KubeConfig;
  /** Watch MarketFeeds in this namespace only; undefined = all namespaces. */
  namespace?: string;
  /** Concurrent reconciles (default 2; never two for one feed). */
  workers?: number;
  /** Lease-based leader election; undefined/false = none (a single replica). */
  leaderElection?: { namespace: string; name?: string; timing?: Partial<LeaderElectionTiming> } | false;
  /** This replica's name in the Lease, Events and User-Agent (default <POD_NAME or hostname>_<pid>). */
  identity?: string;
  logger: Logger;
  /** Metrics are registered here (serve it at /metrics). */
  registry: Registry;
  /** Per-feed retry backoff (default 100 ms doubling to 60 s, jitter). */
  backoff?: BackoffOptions;
  requestTimeoutMs?: number;
  /** The operator's own namespace (default marketfeed-system): feed pods admit metrics scrapes from its pods there. */
  operatorNamespace?: string;
  /** Live feed health: scrape interval, status refresh, timeout, concurrency, size limit; false: off. */
  health?: Partial<HealthSettings> | false;
}

export interface RunningOperator {
  readonly identity: string;
  readonly manager: Manager;
  /** Why /readyz should fail, or undefined once every cache has synced. */
  notReadyReason(): string | undefined;
  /** Graceful stop: watches closed, in-flight reconciles finished, lease released. */
  stop(): Promise<void>;
}

export function defaultIdentity(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.POD_NAME ?? os.hostname()}_${process.pid}`;
}

export async function runOperator(config: OperatorConfig): Promise<RunningOperator> {
  const identity = config.identity ?? defaultIdentity();
  const manager = new Manager({
    kubeConfig: config.kubeConfig,
    namespace: config.namespace,
    workers: config.workers ?? 2,
    leaderElection: config.leaderElection === undefined || config.leaderElection === false ? undefined : { name: DEFAULT_LEASE_NAME, ...config.leaderElection },
    identity,
    logger: config.logger,
    registry: config.registry,
    ...(config.backoff === undefined ? {} : { backoff: config.backoff }),
    ...(config.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: config.requestTimeoutMs }),
    ...(config.health === undefined ? {} : { health: config.health }),
    ...(config.operatorNamespace === undefined ? {} : { operatorNamespace: config.operatorNamespace }),
  });
  await manager.start();
  return {
    identity,
    manager,
    notReadyReason: () => manager.notReadyReason(),
    stop: () => manager.stop(),
  };
}
