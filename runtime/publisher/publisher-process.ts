// A publishing process (`marketfeed publish`, `marketfeed replay`): creates the feed's
// segment (replacing a stale one), runs a producer's agent that writes records into its
// ring (generated quotes, a replayed file), serves the optional TCP feed, beats the
// heartbeat, reports, and on exit (producer done, --duration, SIGTERM, SIGINT) drains
// backpressure consumers, marks the segment closed and removes it.
import { AgentRunner, type Agent } from '../agent/agent-runner.ts';
import { CompositeAgent } from '../agent/composite-agent.ts';
import { createIdleStrategy, type IdleStrategyName } from '../agent/idle-strategy.ts';
import { logFatal } from '../observability/fatal-error.ts';
import { polledCounter, polledGauge } from '../observability/polled-metrics.ts';
import { BroadcastTransmitter } from '../ring/broadcast-transmitter.ts';
import { GatedTransmitter } from '../ring/gated-transmitter.ts';
import type { RecordTransmitter } from '../ring/record-transmitter.ts';
import { DEFAULT_STALE_AFTER_MS, Segment } from '../shm/segment.ts';
import { HEARTBEAT_INTERVAL_MS, type SegmentModeName } from '../shm/segment-layout.ts';
import type { ProcessSettings } from '../service/process-settings.ts';
import { Service } from '../service/service.ts';
import { startTcpFeed, type PublisherTcpSettings } from './publisher-tcp.ts';
import { retryWhileSegmentInUse } from './segment-in-use-wait.ts';

export interface PublisherConfig extends ProcessSettings, PublisherTcpSettings {
  feed: string;
  shmDir: string;
  mode: SegmentModeName;
  capacity: number;
  consumers: number;
  groupAccess: boolean;
  batch: number;
  idle: IdleStrategyName;
  /** Longest sleep of the sleep and spin-yield strategies. */
  idleSleepNs: number;
  drainTimeoutS: number;
}

/** The agent that fills the ring. */
export interface PublishingAgent extends Agent {
  /** Records committed so far. */
  readonly sent: number;
  /** Set when it stopped early on bad input: what came before is still drained, then runPublisher throws it. */
  readonly failure: Error | undefined;
}

/** What a publishing process publishes: the generator for `publish`, a file for `replay`. */
export interface RecordProducer {
  /** Log and metrics role of the process. */
  readonly role: string;
  /** Fields for the `publishing` log line. */
  readonly logFields: Record<string, unknown>;
  createAgent(transmitter: RecordTransmitter): PublishingAgent;
  /** Called once the process is ready (e.g. to start a progress bar, to register metrics or log through the service). */
  started?(service: Service): void;
  /**
   * Called when the stop begins, before the agent stops and while the feed is still up (e.g. to
   * log order-entry sessions out, whose last orders still publish market data); returns fields for the summary.
   */
  stopping?(): Promise<Record<string, unknown>>;
  /** Called when the agent has stopped, before the summary; returns fields for it. */
  stopped?(elapsedS: number): Record<string, unknown>;
}

/** Runs until the producer is done or the service stops: resolves to 0, or throws the failure (logged) once it has cleaned up. */
export async function runPublisher(config: PublisherConfig, producer: RecordProducer): Promise<number> {
  const service = await Service.start({ ...config, role: producer.role, labels: { feed: config.feed } });
  let created: Awaited<ReturnType<typeof createSegmentWaitingForStale>>;
  try {
    created = await createSegmentWaitingForStale(service, config);
  } catch (error) {
    throw service.fail(error);
  }
  const { segment, replaced } = created;
  if (replaced !== undefined) service.logger.warn({ oldEpoch: replaced.epoch, oldPid: replaced.pid, reason: replaced.reason }, 'replaced a stale segment');
  const ring = segment.ring();
  const transmitter =
    config.mode === 'broadcast' ? new BroadcastTransmitter(ring, { batchSize: config.batch }) : new GatedTransmitter(ring, { batchSize: config.batch });
  let tcp: Awaited<ReturnType<typeof startTcpFeed>>;
  try {
    tcp = await startTcpFeed(service, ring, config, { feed: config.feed, epoch: segment.epoch });
  } catch (error) {
    segment.closeAndRemove();
    throw service.fail(error);
  }
  // With TCP on, the producer's bursts never lap the TCP fan-out (see FanoutGuardedTransmitter).
  const agent = producer.createAgent(tcp === undefined ? transmitter : tcp.server.guard(transmitter));
  const idle = createIdleStrategy(config.idle, config.idleSleepNs);
  const runner = new AgentRunner(tcp === undefined ? agent : new CompositeAgent([agent, tcp.agent]), idle);
  registerPublisherMetrics(service, agent, transmitter);
  service.logger.info(
    {
      path: segment.path,
      epoch: segment.epoch,
      mode: config.mode,
      capacity: config.capacity,
      consumerSlots: segment.consumerSlots,
      batch: config.batch,
      idle: idle.name,
      ...producer.logFields,
      tcp: tcp === undefined ? 'off' : `${config.tcpHost}:${config.tcpPort}`,
    },
    'publishing',
  );
  service.setReady();
  producer.started?.(service);

  const heartbeat = setInterval(() => segment.beat(), HEARTBEAT_INTERVAL_MS);
  let lastSent = 0;
  let lastReportMs = Date.now();
  const report = setInterval(() => {
    const nowMs = Date.now();
    const rate = ((agent.sent - lastSent) * 1000) / (nowMs - lastReportMs);
    service.logger.info({ sent: agent.sent, rate: Math.round(rate), ringFull: transmitter.fullCount }, 'published');
    lastSent = agent.sent;
    lastReportMs = nowMs;
  }, config.reportIntervalS * 1000);

  let stopping: Promise<Record<string, unknown>> | undefined;
  const beginStop = (): Promise<Record<string, unknown>> =>
    (stopping ??= producer.stopping!().catch((error: unknown) => {
      service.logger.warn({ err: error }, 'stopping the producer failed');
      return {};
    }));
  const { elapsedS, failure } = await service.runAgent(runner, producer.stopping === undefined ? undefined : () => beginStop().then(() => undefined));
  // An agent that ended by itself (done or failed) has not been through beginStop yet.
  const produced = { ...(producer.stopping === undefined ? {} : await beginStop()), ...(producer.stopped?.(elapsedS) ?? {}) };
  // Logged, not a stop: what the producer published before its bad input is still drained.
  if (agent.failure !== undefined) logFatal(service.logger, agent.failure);
  if (failure === undefined && transmitter instanceof GatedTransmitter && agent.isDone()) {
    await drainConsumers(transmitter, service, config.drainTimeoutS);
  }
  await tcp?.server.close();
  clearInterval(heartbeat);
  clearInterval(report);
  const epoch = segment.epoch;
  segment.closeAndRemove();
  await service.finish({
    records: agent.sent,
    durationS: round3(elapsedS),
    ratePerS: Math.round(agent.sent / Math.max(elapsedS, 1e-9)),
    ringFull: transmitter.fullCount,
    mode: config.mode,
    ...produced,
    ...(tcp === undefined
      ? {}
      : { tcp: { connections: tcp.server.connectionsAccepted, lostRecords: tcp.server.recordsLost, dropped: Object.fromEntries(tcp.server.dropCounts) } }),
    epoch,
  });
  const ended = failure ?? agent.failure;
  if (ended !== undefined) throw ended;
  return 0;
}

/** Creates the feed's segment, waiting for a live-looking holder to go stale. */
function createSegmentWaitingForStale(service: Service, config: PublisherConfig): Promise<ReturnType<typeof Segment.create>> {
  return retryWhileSegmentInUse(service, () =>
    Segment.create({
      name: config.feed,
      directory: config.shmDir,
      capacity: config.capacity,
      mode: config.mode,
      consumerSlots: config.consumers,
      groupAccess: config.groupAccess,
      staleAfterMs: DEFAULT_STALE_AFTER_MS,
    }),
  );
}

/** Waits until every consumer slot has read everything, so that nothing published is lost. */
async function drainConsumers(transmitter: GatedTransmitter, service: Service, timeoutS: number): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  while (transmitter.slowestConsumer() < transmitter.nextSequence && Date.now() < deadline && !service.stopping) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const behind = transmitter.nextSequence - transmitter.slowestConsumer();
  if (behind > 0) service.logger.warn({ behind }, 'consumers did not drain before the timeout');
}

function registerPublisherMetrics(service: Service, agent: PublishingAgent, transmitter: RecordTransmitter): void {
  const registry = service.registry;
  polledCounter(registry, 'marketfeed_published_records_total', 'Records published into the ring', () => agent.sent);
  polledCounter(registry, 'marketfeed_ring_full_total', 'Times the publisher found a backpressure ring full and waited', () => transmitter.fullCount);
  polledGauge(registry, 'marketfeed_publisher_position', 'Sequence of the next record to publish', () => transmitter.nextSequence);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
