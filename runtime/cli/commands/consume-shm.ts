import { runShmConsumer } from '../../consumer/shm-consumer-process.ts';
import { MAX_CONSUMER_SLOTS } from '../../shm/segment-layout.ts';
import { defineCommand } from '../command.ts';
import { idleOption, processOptions, processSettings, segmentOptions } from '../common-options.ts';

export const consumeShmCommand = defineCommand({
  name: 'consume shm',
  description:
    'Attaches to /dev/shm/FEED (waiting for the publisher if it is not there yet), reads every record, and logs\n' +
    'rate, latency percentiles and gaps every --report-interval. Follows the publisher across restarts.',
  options: {
    ...segmentOptions,
    name: { type: 'string', default: `consumer-${process.pid}`, description: 'name of this consumer in logs and metrics' },
    ...idleOption,
    start: { type: 'choice', choices: ['latest', 'oldest'], default: 'latest', description: 'broadcast mode: start at new records, or at the oldest still in the ring' },
    slot: { type: 'integer', min: 0, max: MAX_CONSUMER_SLOTS - 1, description: 'backpressure mode: consumer slot to claim (default: the first free one)' },
    count: { type: 'integer', min: 0, default: 0, description: 'exit after this many records; 0 = no limit' },
    'exit-on-end': { type: 'boolean', default: false, description: 'exit once the publisher has closed the feed and every record is read' },
    'latency-sample': { type: 'integer', min: 1, default: 1, description: 'record the latency of one record in N' },
    'verify-seed': { type: 'integer', min: 0, max: 0xffff_ffff, description: "check every record against the publisher's stream for this seed" },
    'verify-instruments': { type: 'integer', min: 1, default: 100, description: 'instrument count of the verified stream' },
    ...processOptions,
  },
  run(options) {
    return runShmConsumer({
      feed: options.feed,
      shmDir: options.shmDir,
      name: options.name,
      idle: options.idle,
      idleSleepNs: options.idleSleepUs * 1000,
      start: options.start,
      slot: options.slot,
      count: options.count,
      exitOnEnd: options.exitOnEnd,
      latencySample: options.latencySample,
      verifySeed: options.verifySeed,
      verifyInstruments: options.verifyInstruments,
      ...processSettings(options),
    });
  },
});
