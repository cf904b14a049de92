// Feed pods for the health tests without a kubelet: a Pod object in the test API server
// (labels of a feed's pod, phase Running, podIP a loopback address 127.0.0.N) and, per
// container, a real HTTP server on that address serving Prometheus text the test controls.
// DeploymentPods runs such pods for the Deployments in the store, as a kubelet would: the
// pods of each Deployment's current pod template, with the template's labels.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { KubeObject } from '../../../cdk8s/api/kube-object.ts';
import { feedLabels, type Component } from '../../../cdk8s/feed/feed-names.ts';
import { isPlainObject } from '../../kube/json-values.ts';
import type { TestApiServer } from '../../kube/test-api-server.ts';
import { isBadImage } from '../../kube/test-kubelet.ts';

/** What an endpoint answers: Prometheus text, or HANG (accept, never answer). */
export const HANG = Symbol('hang');
export type Answer = string | typeof HANG;

export interface FakeContainer {
  name: string;
  /** Called on every scrape. */
  answer: () => Answer;
  image?: string;
}

export class FakeFeedPods {
  private readonly servers: http.Server[] = [];
  private nextHost = 2;

  private readonly server: TestApiServer;

  constructor(server: TestApiServer) {
    this.server = server;
  }

  /** Starts the containers' servers on a fresh loopback address and stores the Pod. */
  async addPod(options: {
    feed: string;
    namespace: string;
    name: string;
    component?: Component;
    containers: FakeContainer[];
    /** Instead of the feed's labels (e.g. a pod template's). */
    labels?: Record<string, string>;
    /** The pod's Ready condition (default: none, as the health tests need no readiness). */
    ready?: boolean;
  }): Promise<KubeObject> {
    const host = `127.0.0.${this.nextHost++}`;
    const containers = [];
    for (const container of options.containers) {
      const server = http.createServer((_request, response) => {
        const answer = container.answer();
        if (answer === HANG) return;
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        response.end(answer);
      });
      await new Promise<void>((resolve) => server.listen(0, host, resolve));
      this.servers.push(server);
      const port = (server.address() as AddressInfo).port;
      containers.push({ name: container.name, image: container.image ?? 'marketfeed:test', ports: [{ name: containers.length === 0 ? 'metrics' : `metrics-${containers.length - 1}`, containerPort: port }] });
    }
    return this.server.store.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: options.name, namespace: options.namespace, labels: options.labels ?? feedLabels(options.feed, options.component ?? 'feed') },
      spec: { containers },
      status: {
        phase: 'Running',
        podIP: host,
        ...(options.ready === undefined ? {} : { conditions: [{ type: 'Ready', status: options.ready ? 'True' : 'False' }] }),
      },
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }
}

/** A publisher's /metrics: records published so far and TCP subscribers. */
export function publisherText(published: number, tcpSubscribers: number): string {
  return [
    '# HELP marketfeed_published_records_total Records published into the ring',
    '# TYPE marketfeed_published_records_total counter',
    `marketfeed_published_records_total{feed="x"} ${published}`,
    '# TYPE marketfeed_tcp_subscribers gauge',
    `marketfeed_tcp_subscribers{feed="x"} ${tcpSubscribers}`,
    '',
  ].join('\n');
}

/** A consumer's /metrics: received, gaps, and every record so far in the latency bucket up to `bucketSeconds`. */
export function consumerText(received: number, gaps: number, bucketSeconds: number): string {
  const bounds = [0.000_001, 0.000_002, 0.000_004, 0.001, 0.002];
  return [
    '# TYPE marketfeed_received_records_total counter',
    `marketfeed_received_records_total ${received}`,
    '# TYPE marketfeed_gaps_total counter',
    `marketfeed_gaps_total ${gaps}`,
    '# TYPE marketfeed_latency_seconds histogram',
    ...bounds.map((le) => `marketfeed_latency_seconds_bucket{le="${le}"} ${le >= bucketSeconds ? received : 0}`),
    `marketfeed_latency_seconds_bucket{le="+Inf"} ${received}`,
    `marketfeed_latency_seconds_sum ${received * bucketSeconds}`,
    `marketfeed_latency_seconds_count ${received}`,
    '',
  ].join('\n');
}

/** Scrapes the operator's health loop has made (its marketfeed_operator_health_scrapes_total). */
export async function scrapeCount(registry: Registry): Promise<number> {
  const metric = registry.getSingleMetric('marketfeed_operator_health_scrapes_total');
  if (metric === undefined) throw new Error('no health scrape metric: is live health on?');
  return (await metric.get()).values.reduce((sum, value) => sum + value.value, 0);
}

/** One endpoint with publisher and consumer metrics whose rate and latency move on every scrape (the worst case for status writes). */
export function restlessEndpoint(seed: number): () => string {
  let scrapes = 0;
  let records = 0;
  return () => {
    scrapes++;
    records += 1_000 + ((seed * 7919 + scrapes * 104_729) % 50_000);
    const latency = scrapes % 2 === 0 ? 0.000_002 : 0.000_004;
    return publisherText(records, scrapes % 5) + consumerText(records, 0, latency);
  };
}

/** What a container of `image` answers on each scrape; called once per container of a new pod. */
export type AnswerFactory = (image: string, container: string) => () => Answer;

interface TemplateShape {
  metadata?: { labels?: Record<string, string> };
  spec?: { containers?: Array<{ name: string; image: string }> };
}

/**
 * A kubelet for the pods of the feeds' Deployments: every Deployment in the store gets
 * spec.replicas pods of its current pod template (labels from the template, one metrics server
 * per container answering as `answers` says, Ready unless an image is `:bad`); pods of an
 * earlier template are deleted once the new ones run (their servers keep answering until
 * close(), like a pod that is slow to stop). Pods are named `<deployment>-<hash of the template>-<n>`.
 */
export class DeploymentPods {
  private readonly server: TestApiServer;
  private readonly pods: FakeFeedPods;
  private readonly answers: AnswerFactory;
  private readonly running = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;

  constructor(server: TestApiServer, pods: FakeFeedPods, answers: AnswerFactory) {
    this.server = server;
    this.pods = pods;
    this.answers = answers;
  }

  start(intervalMs = 20): this {
    this.timer ??= setInterval(() => {
      this.syncing ??= this.sync().finally(() => (this.syncing = undefined));
    }, intervalMs);
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.syncing;
  }

  private async sync(): Promise<void> {
    for (const deployment of this.server.store.list('apps/v1', 'Deployment')) {
      const { namespace = '', name } = deployment.metadata;
      const spec = isPlainObject(deployment.spec) ? deployment.spec : {};
      const template = (spec.template ?? {}) as TemplateShape;
      const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
      const labels = template.metadata?.labels ?? {};
      const feed = labels['marketfeed.dev/feed'];
      if (feed === undefined) continue;
      const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
      const wanted = Array.from({ length: replicas }, (_, index) => `${name}-${hash}-${index}`);
      const key = `${namespace}/${name}`;
      const running = this.running.get(key) ?? new Set<string>();
      this.running.set(key, running);
      const containers = template.spec?.containers ?? [];
      // New pods first, then the old ones go: the feed never has no pod in between.
      for (const pod of wanted) {
        if (running.has(pod)) continue;
        await this.pods.addPod({
          feed,
          namespace,
          name: pod,
          labels,
          ready: containers.every((container) => !isBadImage(container.image)),
          containers: containers.map((container) => ({ name: container.name, image: container.image, answer: this.answers(container.image, container.name) })),
        });
        running.add(pod);
      }
      for (const pod of [...running]) {
        if (wanted.includes(pod)) continue;
        this.server.store.delete('v1', 'Pod', namespace, pod);
        running.delete(pod);
      }
    }
  }
}
