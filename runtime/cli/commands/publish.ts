import { runPublisher } from '../../publisher/publisher-process.ts';
import { MAX_CAPACITY, MAX_CONSUMER_SLOTS } from '../../shm/segment-layout.ts';
import { defineCommand } from '../command.ts';
import { UsageError } from '../options.ts';
import { idleOption, processOptions, processSettings, segmentOptions } from '../common-options.ts';

export const publishCommand = defineCommand({
  name: 'publish',
  description:
    'Creates the segment /dev/shm/FEED (replacing a stale one left by a dead publisher), writes generated quotes\n' +
    'for N instruments into it at --rate records per second (or flat out with --rate max), and removes it on exit.\n' +
    'Also serves the feed over TCP on --tcp-host:--tcp-port (binary frames or NDJSON; `nc 127.0.0.1 9000` shows JSON).',
  options: {
    ...segmentOptions,
    mode: { type: 'choice', choices: ['broadcast', 'backpressure'], default: 'broadcast', description: 'broadcast: never wait, slow readers lose records; backpressure: wait for the slowest consumer, lose nothing' },
    capacity: { type: 'integer', min: 2, max: MAX_CAPACITY, default: 65536, description: 'ring capacity in records (power of two)' },
    consumers: { type: 'integer', min: 1, max: MAX_CONSUMER_SLOTS, default: 1, description: 'backpressure mode: consumers that must each read every record' },
    'group-access': { type: 'boolean', default: false, description: 'create the segment 0660 instead of 0600' },
    instruments: { type: 'integer', min: 1, max: 1_000_000, default: 100, description: 'instruments to generate quotes for' },
    seed: { type: 'integer', min: 0, max: 0xffff_ffff, default: 1, description: 'random seed: the same seed gives the same stream' },
    rate: { type: 'rate', default: 100_000, description: 'records per second (100k, 1M, …) or max' },
    count: { type: 'integer', min: 0, default: 0, description: 'stop after this many records; 0 = no limit' },
    batch: { type: 'integer', min: 1, max: 4096, default: 1, description: 'publish the ring position once per this many records' },
    'drain-timeout': { type: 'number', min: 0, default: 30, description: 'backpressure mode, after --count: seconds to wait for consumers to read everything' },
    'tcp-port': { type: 'integer', min: 0, max: 65535, default: 9000, description: 'TCP feed port; 0 = no TCP feed' },
    'tcp-host': { type: 'string', default: '127.0.0.1', description: 'address the TCP feed listens on (0.0.0.0 in a pod)' },
    'max-subscribers': { type: 'integer', min: 1, max: 10_000, default: 64, description: 'TCP subscribers at most; more are refused' },
    'max-queue-bytes': { type: 'integer', min: 65_536, default: 8 * 1024 * 1024, description: 'a TCP subscriber with more unsent bytes than this is dropped' },
    'handshake-timeout-ms': { type: 'integer', min: 1, max: 60_000, default: 500, description: 'a subscriber silent this long gets NDJSON' },
    'tcp-send-buffer': { type: 'integer', min: 0, default: 4 * 1024 * 1024, description: 'SO_SNDBUF per subscriber, bytes; 0 = kernel default' },
    'tcp-receive-buffer': { type: 'integer', min: 0, default: 0, description: 'SO_RCVBUF per subscriber, bytes; 0 = kernel default' },
    ...idleOption,
    ...processOptions,
  },
  async run(options) {
    if ((options.capacity & (options.capacity - 1)) !== 0) throw new UsageError(`marketfeed publish: --capacity must be a power of two, got ${options.capacity}`);
    return runPublisher({
      feed: options.feed,
      shmDir: options.shmDir,
      mode: options.mode,
      capacity: options.capacity,
      consumers: options.consumers,
      groupAccess: options.groupAccess,
      instruments: options.instruments,
      seed: options.seed,
      rate: options.rate,
      count: options.count,
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
    });
  },
});
