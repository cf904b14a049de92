// The publisher's optional TCP feed: a TcpFeedServer over the publisher's own ring, pumped
// by an agent that runs right after the generator in the same duty cycle, plus its metrics.
import type { Agent } from '../agent/agent-runner.ts';
import { polledCounter, polledGauge } from '../observability/polled-metrics.ts';
import type { RingMemory } from '../ring/ring-memory.ts';
import { describeListenError } from '../service/listen-error.ts';
import type { Service } from '../service/service.ts';
import type { SubscriberOptions } from '../tcp/feed-subscriber.ts';
import { DROP_REASONS, TcpFeedServer } from '../tcp/tcp-feed-server.ts';
import { Counter } from 'prom-client';

export interface PublisherTcpSettings extends SubscriberOptions {
  /** 0 = no TCP feed. */
  tcpPort: number;
  tcpHost: string;
  maxSubscribers: number;
}

export async function startTcpFeed(
  service: Service,
  ring: RingMemory,
  settings: PublisherTcpSettings,
  identity: { feed: string; epoch: number },
): Promise<{ server: TcpFeedServer; agent: Agent } | undefined> {
  if (settings.tcpPort === 0) return undefined;
  const server = new TcpFeedServer(ring, { ...settings, host: settings.tcpHost, port: settings.tcpPort, ...identity, logger: service.logger });
  try {
    await server.listen();
  } catch (error) {
    throw describeListenError(error, { what: 'TCP feed', host: settings.tcpHost, port: settings.tcpPort, portOption: '--tcp-port', zeroMeans: 'no TCP feed' });
  }
  const registry = service.registry;
  polledGauge(registry, 'marketfeed_tcp_subscribers', 'TCP subscribers streaming', () => server.subscriberCount);
  polledGauge(registry, 'marketfeed_tcp_queued_bytes', 'Bytes queued for TCP subscribers, not yet taken by the kernel', () => server.bytesQueued);
  polledCounter(registry, 'marketfeed_tcp_lost_records_total', 'Records the ring overwrote before the TCP fan-out read them', () => server.recordsLost);
  polledCounter(registry, 'marketfeed_tcp_connections_total', 'TCP connections accepted', () => server.connectionsAccepted);
  const reported = new Map<string, number>();
  new Counter({
    name: 'marketfeed_tcp_dropped_subscribers_total',
    help: 'TCP subscribers disconnected, by reason (slow = send queue over the bound)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      for (const reason of DROP_REASONS) {
        const value = server.dropCounts.get(reason) ?? 0;
        this.inc({ reason }, value - (reported.get(reason) ?? 0));
        reported.set(reason, value);
      }
    },
  });
  return { server, agent: { doWork: () => server.pump(), isDone: () => false } };
}
