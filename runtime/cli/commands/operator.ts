// `marketfeed operator`: the MarketFeed controller as a process. Connects in-cluster (the
// pod's service account) or through a kubeconfig, serves /metrics /healthz /readyz (ready
// once every cache has synced), and on SIGTERM shuts down gracefully: watches closed,
// reconciles in flight finished, leader lease released so a standby takes over at once.
import fs from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { defaultIdentity, runOperator } from '../../../operator/run-operator.ts';
import { DEFAULT_LEASE_NAME } from '../../../operator/manager.ts';
import { limitJitTiers } from '../../../operator/memory-settings.ts';
import { Service } from '../../service/service.ts';
import { defineCommand } from '../command.ts';
import { processOptions } from '../common-options.ts';
import { loadKubeConfig } from '../kubeconfig.ts';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The namespace of the pod this process runs in ($POD_NAMESPACE, else the service account's), if any. */
function podNamespace(env: NodeJS.ProcessEnv): string | undefined {
  if (env.POD_NAMESPACE !== undefined && env.POD_NAMESPACE !== '') return env.POD_NAMESPACE;
  try {
    return fs.readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The namespace of the lease: the pod's own, else the kubeconfig context's, else default. */
function defaultLeaseNamespace(kubeConfig: KubeConfig, env: NodeJS.ProcessEnv): string {
  return podNamespace(env) ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
}

function optionalNamespace(namespace: string | undefined): { operatorNamespace?: string } {
  return namespace === undefined ? {} : { operatorNamespace: namespace };
}

export const operatorCommand = defineCommand({
  name: 'operator',
  description:
    'Watches MarketFeeds (marketfeed.dev/v1alpha1) and the objects they own, and reconciles each feed to its\n' +
    'spec with server-side apply (field manager marketfeed-operator), writing status and Events. Connects with\n' +
    '--kubeconfig, else in-cluster, else $KUBECONFIG or ~/.kube/config (none of them: exit 1, saying where it\n' +
    'looked). With --leader-elect, one replica\n' +
    'reconciles at a time (coordination.k8s.io Lease); the others keep warm caches and take over.',
  examples: [
    'npx marketfeed operator --kubeconfig ~/.kube/config --namespace trading',
    'npx marketfeed operator --leader-elect --metrics-port 9090',
  ],
  options: {
    kubeconfig: { type: 'string', description: 'kubeconfig file (default: in-cluster, else $KUBECONFIG or ~/.kube/config)' },
    context: { type: 'string', description: 'kubeconfig context (default: the current one)' },
    namespace: { type: 'string', description: 'watch MarketFeeds in this namespace only (default: all namespaces)' },
    'leader-elect': { type: 'boolean', default: false, description: 'elect a leader through a Lease; only the leader reconciles' },
    'lease-namespace': { type: 'string', description: "namespace of the Lease (default: the pod's, $POD_NAMESPACE, or the context's)" },
    'lease-name': { type: 'string', default: DEFAULT_LEASE_NAME, description: 'name of the Lease' },
    identity: { type: 'string', description: 'name of this replica in the Lease and Events (default: $POD_NAME or hostname, plus pid)' },
    workers: { type: 'integer', min: 1, max: 64, default: 2, description: 'MarketFeeds reconciled at once (never one feed twice at once)' },
    'health-interval': {
      type: 'number',
      min: 0,
      max: 3600,
      default: 15,
      description: "seconds between scrapes of the feed pods' metrics (live health: status.health, the Healthy condition, and whether a rollout's new pods are healthy); 0 = no live health: a revision is good once ready",
    },
    'health-refresh': { type: 'number', min: 1, max: 86_400, default: 60, description: 'status.health is rewritten at most once per this many seconds per feed' },
    'metrics-port': { ...processOptions['metrics-port'], default: 9090 },
    'log-level': processOptions['log-level'],
    'log-format': processOptions['log-format'],
    duration: processOptions.duration,
    'stop-with-parent': processOptions['stop-with-parent'],
  },
  async run(options) {
    limitJitTiers();
    const { kubeConfig, source } = loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context });
    const service = await Service.start({
      role: 'operator',
      durationS: options.duration,
      metricsPort: options.metricsPort,
      cpus: undefined,
      json: false,
      logLevel: options.logLevel,
      logFormat: options.logFormat,
      stopWithParent: options.stopWithParent,
    });
    service.setNotReady('starting');
    const identity = options.identity ?? defaultIdentity();
    service.logger.info({ kubeconfig: source, server: kubeConfig.getCurrentCluster()?.server }, 'connecting to the Kubernetes API');
    let failure: Error | undefined;
    try {
      const operator = await runOperator({
        kubeConfig,
        ...(options.namespace === undefined || options.namespace === '' ? {} : { namespace: options.namespace }),
        workers: options.workers,
        health: options.healthInterval === 0 ? false : { scrapeIntervalMs: options.healthInterval * 1000, statusRefreshMs: options.healthRefresh * 1000 },
        leaderElection: options.leaderElect ? { namespace: options.leaseNamespace ?? defaultLeaseNamespace(kubeConfig, process.env), name: options.leaseName } : false,
        // The pod's own namespace (outside a pod: the install's default): the feeds' NetworkPolicies admit metrics scrapes from there.
        ...optionalNamespace(podNamespace(process.env)),
        identity,
        logger: service.logger,
        registry: service.registry,
      });
      const readiness = setInterval(() => {
        if (service.stopping) return;
        const reason = operator.notReadyReason();
        if (reason === undefined) service.setReady();
        else service.setNotReady(reason);
      }, 250);
      readiness.unref();
      await new Promise<void>((resolve) => service.onStop(() => resolve()));
      clearInterval(readiness);
      await operator.stop();
    } catch (error) {
      failure = service.fail(error);
    }
    await service.finish({ identity });
    if (failure !== undefined) throw failure;
    return 0;
  },
});
