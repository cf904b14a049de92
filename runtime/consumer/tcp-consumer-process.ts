// `marketfeed consume tcp`: subscribes to a publisher's TCP feed (binary or NDJSON),
// reconnecting with backoff, and reports like the SHM consumer: rate, one-way latency,
// gaps (including across publisher restarts), malformed input. Gaps and losses are the
// client's (TcpFeedClient.sequences): with --instruments they count only the records of
// those instruments. A publisher of another protocol version stops it (exit 1). Latency uses
// CLOCK_MONOTONIC when the publisher is on the same host (same boot id) and wall clocks
// otherwise (the publisher's offset between the two comes with hello and heartbeats):
// the summary says which.
import { bootId } from '../clock/boot-id.ts';
import { monotonicNs, wallClockNs } from '../clock/clock.ts';
import type { ProcessSettings } from '../service/process-settings.ts';
import { Service } from '../service/service.ts';
import { LatencyRecorder } from '../stats/latency-recorder.ts';
import { ProtocolError, type FeedEncoding, type FeedHello } from '../tcp/feed-protocol.ts';
import { TcpFeedClient } from '../tcp/tcp-feed-client.ts';
import { formatIntegerList } from '../text/integer-list.ts';
import { consumerSummary, registerConsumerMetrics, startIntervalReports } from './consumer-reporting.ts';
import { finishTap, type ConsumerTap } from './consumer-tap.ts';
import { RecordSink } from './record-sink.ts';
import { StreamVerifier } from './stream-verifier.ts';

export type LatencyClock = 'auto' | 'monotonic' | 'wall';

/** A tap on a TCP consumer (`marketfeed relay`) may also hear of the service and of each hello. */
export interface TcpConsumerTap extends ConsumerTap {
  /** Extra log fields and metric labels. */
  readonly labels?: Record<string, string>;
  /** Once the service runs, before connecting; may wait, and may throw (the process then fails). */
  started?(service: Service): Promise<void>;
  /** Each connection's hello, before its records; may throw (the process then fails). */
  onHello?(hello: FeedHello): void;
}

export interface TcpConsumerConfig extends ProcessSettings {
  host: string;
  port: number;
  encoding: FeedEncoding;
  instruments: number[] | undefined;
  name: string;
  clock: LatencyClock;
  count: number;
  latencySample: number;
  verifySeed: number | undefined;
  verifyInstruments: number;
  receiveBufferBytes: number;
  /** Given by a process built on this one (e.g. `marketfeed record`, `marketfeed relay`). */
  tap?: TcpConsumerTap;
}

/** Runs until --count, --duration or a signal: resolves to 0, or throws the failure (logged) once it has cleaned up. */
export async function runTcpConsumer(config: TcpConsumerConfig): Promise<number> {
  const tap = config.tap;
  const service = await Service.start({ ...config, role: tap?.role ?? 'consumer-tcp', labels: { consumer: config.name, ...tap?.labels } });
  service.setNotReady('connecting');
  const latency = await LatencyRecorder.create();
  let wall = config.clock === 'wall';
  let publisherOffsetNs = 0;
  // In wall mode, "now" is moved into the publisher's monotonic timebase.
  const clock = (): number => (wall ? wallClockNs() - publisherOffsetNs : monotonicNs());
  const verifier = config.verifySeed === undefined ? undefined : new StreamVerifier({ seed: config.verifySeed, instruments: config.verifyInstruments });
  let failure: Error | undefined;
  const count = config.count > 0 ? config.count : Number.MAX_SAFE_INTEGER;
  let newStreams = 0;
  const client: TcpFeedClient = new TcpFeedClient({
    host: config.host,
    port: config.port,
    encoding: config.encoding,
    ...(config.instruments === undefined ? {} : { instruments: config.instruments }),
    receiveBufferBytes: config.receiveBufferBytes,
    onChunk: () => {
      publisherOffsetNs = client.wallMinusMonotonicNs;
      sink.beginBatch();
    },
    onRecord: (record) => {
      // The rest of the socket chunk that held the count-th record is not counted.
      if (sink.records >= count || failure !== undefined) return;
      try {
        sink.handle(record);
      } catch (error) {
        // A tap's failure (e.g. a full disk) stops the process; the socket is not to blame.
        failure = service.fail(error);
        return;
      }
      if (sink.records >= count) {
        // The rest of the chunk is neither counted nor followed.
        client.close();
        service.stop('done');
      }
    },
  });
  const sink = new RecordSink({
    latency,
    clock,
    latencySampleEvery: config.latencySample,
    sequences: client.sequences,
    ...(verifier === undefined ? {} : { verifier }),
    ...(tap === undefined ? {} : { onRecord: (record) => tap.onRecord(record) }),
  });
  client.on('hello', (hello) => {
    if (config.clock === 'auto') wall = hello.bootId !== bootId();
    try {
      tap?.onHello?.(hello);
    } catch (error) {
      client.close();
      failure = service.fail(error);
      return;
    }
    service.setReady();
    service.logger.info({ epoch: hello.epoch, publisherFeed: hello.feed, nextSequence: hello.nextSequence, clock: wall ? 'wall' : 'monotonic' }, 'subscribed');
  });
  client.on('newStream', (hello) => {
    newStreams++;
    service.logger.warn({ epoch: hello.epoch, lastSequence: sink.sequences.lastSequence }, 'publisher restarted: new stream');
    sink.newStream();
  });
  client.on('disconnected', (reason, retryInMs) => {
    service.setNotReady(`disconnected: ${reason}`);
    service.logger.warn({ reason, retryInMs }, 'disconnected; reconnecting');
  });
  client.on('gap', (lost, nextSubscriptionSequence) => service.logger.warn({ lost, nextSubscriptionSequence }, 'records of the subscription lost'));
  client.on('incompatible', (reason) => {
    failure = service.fail(new ProtocolError(`incompatible publisher: ${reason}`));
  });
  client.on('malformed', (reason) => service.logger.warn({ reason }, 'malformed input skipped'));
  client.on('serverError', (reason) => service.logger.warn({ reason }, 'server refused or closed'));
  registerConsumerMetrics(service.registry, sink, () => 0, () => newStreams);
  const reports = startIntervalReports(service.logger, sink, config.reportIntervalS, () => 0);
  const startedMs = performance.now();
  const stopped = new Promise<void>((resolve) => service.onStop(() => resolve()));
  try {
    await tap?.started?.(service);
  } catch (error) {
    failure = service.fail(error);
  }
  if (failure === undefined && !service.stopping) client.start();
  await stopped;
  client.close();
  reports.stop();
  const elapsedS = (performance.now() - startedMs) / 1000;
  const tapped = finishTap(tap, service);
  failure ??= tapped.failure;
  await service.finish({
    ...consumerSummary(sink, elapsedS),
    clock: wall ? 'wall (cross-host: publisher offset applied)' : 'monotonic (same host)',
    encoding: config.encoding,
    instruments: config.instruments === undefined ? 'all' : formatIntegerList(config.instruments),
    connects: client.connects,
    malformed: client.malformed,
    newStreams,
    epoch: client.hello?.epoch ?? null,
    ...tapped.summary,
  });
  latency.destroy();
  if (failure !== undefined) throw failure;
  return 0;
}
