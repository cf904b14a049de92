// Options every long-running process shares; names that scripts and docs rely on.
import { IDLE_STRATEGY_NAMES } from '../agent/idle-strategy.ts';
import { LOG_FORMATS, LOG_LEVELS } from '../observability/logger.ts';
import type { ShmConsumerConfig } from '../consumer/shm-consumer-process.ts';
import type { PublisherConfig } from '../publisher/publisher-process.ts';
import type { ProcessSettings } from '../service/process-settings.ts';
import { MAX_CAPACITY, MAX_CONSUMER_SLOTS } from '../shm/segment-layout.ts';
import { DEFAULT_SHM_DIRECTORY, validateSegmentName } from '../shm/segment-name.ts';
import { UsageError, type OptionValues } from './options.ts';

export const DEFAULT_FEED = 'marketfeed';

export const processOptions = {
  duration: { type: 'number', min: 0, default: 0, description: 'stop after this many seconds; 0 = until SIGTERM/SIGINT' },
  'metrics-port': { type: 'integer', min: 0, max: 65535, default: 0, description: 'HTTP port for /metrics, /healthz, /readyz; 0 = off' },
  cpus: { type: 'cpus', description: 'pin the process to these CPUs (e.g. 2-3); default: run where started' },
  json: { type: 'boolean', default: false, description: 'print a machine-readable summary on stdout at exit' },
  'report-interval': { type: 'number', min: 0.05, default: 1, description: 'seconds between summary log lines' },
  'log-level': { type: 'choice', choices: LOG_LEVELS, default: 'info', description: 'pino log level (logs go to stderr)', env: 'LOG_LEVEL' },
  'log-format': { type: 'choice', choices: LOG_FORMATS, default: 'auto', description: 'logs as JSON lines, or pretty (readable; coloured on a terminal, NO_COLOR and FORCE_COLOR honoured); auto = pretty when stderr is a terminal' },
  'stop-with-parent': {
    type: 'integer',
    min: 1,
    description: 'stop as on SIGTERM once process N, which started this one (directly or through npx or a shell), is gone',
  },
} as const;

export const segmentOptions = {
  feed: { type: 'string', default: DEFAULT_FEED, check: validateSegmentName, description: 'feed name = segment file name under --shm-dir' },
  'shm-dir': { type: 'string', default: DEFAULT_SHM_DIRECTORY, description: 'directory of shared-memory segments' },
} as const;

/** The generated quote stream (`publish`, `demo`): one spec, so both take the same values. */
export const quoteStreamOptions = {
  instruments: { type: 'integer', min: 1, max: 1_000_000, default: 100, description: 'instruments to generate quotes for' },
  seed: { type: 'integer', min: 0, max: 0xffff_ffff, default: 1, description: 'random seed: the same seed gives the same stream' },
  rate: { type: 'rate', default: 100_000, description: 'records per second (100k, 1M, …) or max' },
} as const;

export const idleOption = {
  idle: {
    type: 'choice',
    choices: IDLE_STRATEGY_NAMES,
    default: 'busy-spin',
    description: 'what to do when there is nothing to do: busy-spin (one core), yield (sched_yield at each empty poll: gives way to a process on the same core, e.g. a relay), spin-yield (spin, sched_yield, then sleep), sleep',
  },
  'idle-sleep-us': { type: 'integer', min: 1, max: 1_000_000, default: 1000, description: 'longest sleep of the sleep and spin-yield strategies, µs' },
} as const;

export function processSettings(options: OptionValues<typeof processOptions>): ProcessSettings {
  return {
    durationS: options.duration,
    reportIntervalS: options.reportInterval,
    metricsPort: options.metricsPort,
    cpus: options.cpus,
    json: options.json,
    logLevel: options.logLevel,
    logFormat: options.logFormat,
    stopWithParent: options.stopWithParent,
  };
}

/** The ring a writer creates (publishers, relays). */
export const capacityOption = {
  capacity: { type: 'integer', min: 2, max: MAX_CAPACITY, default: 65536, description: 'ring capacity in records (power of two)' },
} as const;

export const groupAccessOption = {
  'group-access': { type: 'boolean', default: false, description: 'create the segment 0660 instead of 0600' },
} as const;

/** A bad --capacity is a UsageError of `command`. */
export function checkCapacity(command: string, capacity: number): void {
  if ((capacity & (capacity - 1)) !== 0) throw new UsageError(`marketfeed ${command}: --capacity must be a power of two, got ${capacity}`);
}

/** How a TCP subscriber (`consume tcp`, `relay`) times records and sizes its socket. */
export const tcpSubscriberOptions = {
  clock: { type: 'choice', choices: ['auto', 'monotonic', 'wall'], default: 'auto', description: 'latency clock; auto = monotonic on the same host, else wall' },
  'receive-buffer': { type: 'integer', min: 0, default: 4 * 1024 * 1024, description: 'SO_RCVBUF, bytes; 0 = kernel default' },
} as const;

/** How a publishing process (`publish`, `replay`) serves its feed: segment, ring, TCP, drain, idle, process. */
export const feedPublisherOptions = {
  ...segmentOptions,
  mode: { type: 'choice', choices: ['broadcast', 'backpressure'], default: 'broadcast', description: 'broadcast: never wait, slow readers lose records; backpressure: wait for the slowest consumer, lose nothing' },
  ...capacityOption,
  consumers: { type: 'integer', min: 1, max: MAX_CONSUMER_SLOTS, default: 1, description: 'backpressure mode: consumers that must each read every record' },
  ...groupAccessOption,
  batch: { type: 'integer', min: 1, max: 4096, default: 1, description: 'publish the ring position once per this many records' },
  'drain-timeout': { type: 'number', min: 0, default: 30, description: 'backpressure mode, at the end: seconds to wait for consumers to read everything' },
  'tcp-port': { type: 'integer', min: 0, max: 65535, default: 9000, description: 'TCP feed port; 0 = no TCP feed' },
  'tcp-host': { type: 'string', default: '127.0.0.1', description: 'address the TCP feed listens on (0.0.0.0 in a pod)' },
  'max-subscribers': { type: 'integer', min: 1, max: 10_000, default: 64, description: 'TCP subscribers at most; more are refused' },
  'max-queue-bytes': { type: 'integer', min: 65_536, default: 8 * 1024 * 1024, description: 'a TCP subscriber with more unsent bytes than this is dropped' },
  'handshake-timeout-ms': { type: 'integer', min: 1, max: 60_000, default: 500, description: 'a subscriber silent this long gets NDJSON' },
  'tcp-send-buffer': { type: 'integer', min: 0, default: 4 * 1024 * 1024, description: 'SO_SNDBUF per subscriber, bytes; 0 = kernel default' },
  'tcp-receive-buffer': { type: 'integer', min: 0, default: 0, description: 'SO_RCVBUF per subscriber, bytes; 0 = kernel default' },
  ...idleOption,
  ...processOptions,
} as const;

/** The publisher settings of a command built on feedPublisherOptions; a bad combination is a UsageError. */
export function publisherSettings(command: string, options: OptionValues<typeof feedPublisherOptions>): PublisherConfig {
  checkCapacity(command, options.capacity);
  return {
    feed: options.feed,
    shmDir: options.shmDir,
    mode: options.mode,
    capacity: options.capacity,
    consumers: options.consumers,
    groupAccess: options.groupAccess,
    batch: options.batch,
    idle: options.idle,
    idleSleepNs: options.idleSleepUs * 1000,
    drainTimeoutS: options.drainTimeout,
    tcpPort: options.tcpPort,
    tcpHost: options.tcpHost,
    maxSubscribers: options.maxSubscribers,
    maxQueueBytes: options.maxQueueBytes,
    handshakeTimeoutMs: options.handshakeTimeoutMs,
    sendBufferBytes: options.tcpSendBuffer,
    receiveBufferBytes: options.tcpReceiveBuffer,
    ...processSettings(options),
  };
}

/** What every consumer takes (`consume shm`, `consume tcp`, `record`). */
export const consumerOptions = {
  name: { type: 'string', default: `consumer-${process.pid}`, defaultShown: 'consumer-<pid>', description: 'name of this consumer in logs and metrics' },
  count: { type: 'integer', min: 0, default: 0, description: 'exit after this many records; 0 = no limit' },
  'latency-sample': { type: 'integer', min: 1, default: 1, description: 'record the latency of one record in N' },
  'verify-seed': { type: 'integer', min: 0, max: 0xffff_ffff, description: "check every record against the publisher's stream for this seed" },
  'verify-instruments': { type: 'integer', min: 1, default: 100, description: 'instrument count of the verified stream' },
} as const;

/** How a consumer reads a feed's segment (`consume shm`, `record`). */
export const shmReadOptions = {
  ...segmentOptions,
  ...idleOption,
  start: { type: 'choice', choices: ['latest', 'oldest'], default: 'latest', description: 'broadcast mode: start at new records, or at the oldest still in the ring' },
  slot: { type: 'integer', min: 0, max: MAX_CONSUMER_SLOTS - 1, description: 'backpressure mode: consumer slot to claim (default: the first free one)' },
  'exit-on-end': { type: 'boolean', default: false, description: 'exit once the publisher has closed the feed and every record is read' },
} as const;

export function consumerSettings(options: OptionValues<typeof consumerOptions>): Pick<ShmConsumerConfig, 'name' | 'count' | 'latencySample' | 'verifySeed' | 'verifyInstruments'> {
  return {
    name: options.name,
    count: options.count,
    latencySample: options.latencySample,
    verifySeed: options.verifySeed,
    verifyInstruments: options.verifyInstruments,
  };
}

export function shmConsumerSettings(options: OptionValues<typeof shmReadOptions & typeof consumerOptions & typeof processOptions>): ShmConsumerConfig {
  return {
    feed: options.feed,
    shmDir: options.shmDir,
    idle: options.idle,
    idleSleepNs: options.idleSleepUs * 1000,
    start: options.start,
    slot: options.slot,
    exitOnEnd: options.exitOnEnd,
    ...consumerSettings(options),
    ...processSettings(options),
  };
}
