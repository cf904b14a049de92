// Feed pods for the health tests without a kubelet: a Pod object in the test API server
// (labels of a feed's pod, phase Running, podIP a loopback address 127.0.0.N) and, per
// container, a real HTTP server on that address serving Prometheus text the test controls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { KubeObject } from '../../../cdk8s/api/kube-object.ts';
import { feedLabels, type Component } from '../../../cdk8s/feed/feed-names.ts';
import type { TestApiServer } from '../../kube/test-api-server.ts';

/** What an endpoint answers: Prometheus text, or HANG (accept, never answer). */
export const HANG = Symbol('hang');
export type Answer = string | typeof HANG;

export interface FakeContainer {
  name: string;
  /** Called on every scrape. */
  answer: () => Answer;
}

export class FakeFeedPods {
  private readonly servers: http.Server[] = [];
  private nextHost = 2;

  private readonly server: TestApiServer;

  constructor(server: TestApiServer) {
    this.server = server;
  }

  /** Starts the containers' servers on a fresh loopback address and stores the Pod. */
  async addPod(options: { feed: string; namespace: string; name: string; component?: Component; containers: FakeContainer[] }): Promise<KubeObject> {
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
      containers.push({ name: container.name, image: 'marketfeed:test', ports: [{ name: containers.length === 0 ? 'metrics' : `metrics-${containers.length - 1}`, containerPort: port }] });
    }
    return this.server.store.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: options.name, namespace: options.namespace, labels: feedLabels(options.feed, options.component ?? 'feed') },
      spec: { containers },
      status: { phase: 'Running', podIP: host },
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
