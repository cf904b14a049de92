// `marketfeed consume shm`: attaches to the feed's segment, polls it with the chosen idle
// strategy, records one-way latency (CLOCK_MONOTONIC, exact on one host), logs a summary
// every interval, serves metrics, and follows the publisher across restarts.
import { AgentRunner } from '../agent/agent-runner.ts';
import { createIdleStrategy, type IdleStrategyName } from '../agent/idle-strategy.ts';
import { monotonicNs } from '../clock/clock.ts';
import { HEARTBEAT_INTERVAL_MS } from '../shm/segment-layout.ts';
import { DEFAULT_STALE_AFTER_MS } from '../shm/segment.ts';
import type { StartPosition } from '../ring/broadcast-receiver.ts';
import { LatencyRecorder } from '../stats/latency-recorder.ts';
import type { ProcessSettings } from '../service/process-settings.ts';
import { Service } from '../service/service.ts';
import { finishTap, type ConsumerTap } from './consumer-tap.ts';
import { RecordSink } from './record-sink.ts';
import { registerConsumerMetrics, startIntervalReports, consumerSummary } from './consumer-reporting.ts';
import { SegmentAttachment } from './segment-attachment.ts';
import { ShmConsumerAgent } from './shm-consumer-agent.ts';
import { StreamVerifier } from './stream-verifier.ts';

export interface ShmConsumerConfig extends ProcessSettings {
  feed: string;
  shmDir: string;
  name: string;
  idle: IdleStrategyName;
  /** Longest sleep of the sleep and spin-yield strategies. */
  idleSleepNs: number;
  start: StartPosition;
  slot: number | undefined;
  count: number;
  exitOnEnd: boolean;
  latencySample: number;
  verifySeed: number | undefined;
  verifyInstruments: number;
  /** Given by a process built on this one (e.g. `marketfeed record`). */
  tap?: ConsumerTap;
}

const CHECK_INTERVAL_MS = HEARTBEAT_INTERVAL_MS;
const WAITING_LOG_EVERY_MS = 5000;

/** Runs until --count, --exit-on-end, --duration or a signal: resolves to 0, or throws the failure (logged) once it has cleaned up. */
export async function runShmConsumer(config: ShmConsumerConfig): Promise<number> {
  const tap = config.tap;
  const service = await Service.start({ ...config, role: tap?.role ?? 'consumer-shm', labels: { feed: config.feed, consumer: config.name } });
  service.setNotReady('waiting for the segment');
  const latency = await LatencyRecorder.create();
  const verifier = config.verifySeed === undefined ? undefined : new StreamVerifier({ seed: config.verifySeed, instruments: config.verifyInstruments });
  const sink = new RecordSink({
    latency,
    clock: monotonicNs,
    latencySampleEvery: config.latencySample,
    ...(verifier === undefined ? {} : { verifier }),
    ...(tap === undefined ? {} : { onRecord: (record) => tap.onRecord(record) }),
  });
  const agent = new ShmConsumerAgent(sink, config.count);
  const idle = createIdleStrategy(config.idle, config.idleSleepNs);
  const runner = new AgentRunner(agent, idle);
  const attachment = new SegmentAttachment({ feed: config.feed, shmDir: config.shmDir, slot: config.slot });
  let reattachments = 0;
  let epochs: number[] = [];
  let failure: Error | undefined;
  let waitingSinceMs = Date.now();
  let lastWaitingLogMs = 0;
  let silentWarned = false;

  const attach = (start: StartPosition): void => {
    if (!attachment.tryAttach(start)) {
      const nowMs = Date.now();
      if (nowMs - lastWaitingLogMs >= WAITING_LOG_EVERY_MS) {
        const refusal = attachment.lastRefusal;
        service.logger.info({ waitedMs: nowMs - waitingSinceMs, ...(refusal === undefined ? {} : { refusal }) }, refusal === undefined ? 'waiting for the publisher to create the segment' : 'waiting for a consumer slot');
        lastWaitingLogMs = nowMs;
      }
      return;
    }
    const segment = attachment.segment!;
    agent.receiver = attachment.receiver;
    epochs = [...epochs, segment.epoch];
    service.setReady();
    service.logger.info(
      { path: segment.path, epoch: segment.epoch, mode: segment.mode, capacity: segment.capacity, startSequence: attachment.receiver!.nextSequence, idle: idle.name },
      'attached',
    );
  };

  const check = (): void => {
    // Once failed, the process is stopping: a timer tick before it has stopped must not fail (and log) again.
    if (failure !== undefined) return;
    try {
      if (attachment.segment === undefined) {
        attach(epochs.length === 0 ? config.start : 'oldest');
        return;
      }
      attachment.beat();
      const state = attachment.state();
      if (state === 'ended' && config.exitOnEnd) {
        agent.ended = true;
        return;
      }
      if (state !== 'attached') {
        service.logger.warn({ epoch: attachment.segment.epoch, lastSequence: sink.sequences.lastSequence, state }, 'publisher gone; waiting for a new segment');
        agent.receiver = undefined;
        attachment.detach();
        sink.newStream();
        reattachments++;
        service.setNotReady('publisher gone');
        waitingSinceMs = Date.now();
        attach('oldest');
        return;
      }
      const silentMs = attachment.segment.writerHeartbeatAgeMs();
      if (silentMs > DEFAULT_STALE_AFTER_MS && !silentWarned) {
        service.logger.warn({ silentMs: Math.round(silentMs) }, 'publisher heartbeat is late');
        silentWarned = true;
      } else if (silentMs <= DEFAULT_STALE_AFTER_MS) {
        silentWarned = false;
      }
    } catch (error) {
      failure = service.fail(error);
      runner.stop();
    }
  };

  check();
  const checker = setInterval(check, CHECK_INTERVAL_MS);
  registerConsumerMetrics(service.registry, sink, () => attachment.receiver?.lag() ?? 0, () => reattachments);
  const reports = startIntervalReports(service.logger, sink, config.reportIntervalS, () => attachment.receiver?.lag() ?? 0);
  if (failure !== undefined) runner.stop();
  const run = await service.runAgent(runner);
  failure ??= run.failure;
  const elapsedS = run.elapsedS;
  clearInterval(checker);
  reports.stop();
  attachment.detach();
  const tapped = finishTap(tap, service);
  failure ??= tapped.failure;
  await service.finish({
    ...consumerSummary(sink, elapsedS),
    idle: idle.name,
    epochs,
    reattachments,
    ended: agent.ended,
    ...tapped.summary,
  });
  latency.destroy();
  if (failure !== undefined) throw failure;
  return 0;
}
