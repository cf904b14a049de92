import { quoteProducer } from '../../publisher/quote-producer.ts';
import { runPublisher } from '../../publisher/publisher-process.ts';
import { defineCommand } from '../command.ts';
import { feedPublisherOptions, publisherSettings, quoteStreamOptions } from '../common-options.ts';

export const publishCommand = defineCommand({
  name: 'publish',
  description:
    'Creates the segment /dev/shm/FEED (replacing a stale one left by a dead publisher), writes generated quotes\n' +
    'for N instruments into it at --rate records per second (or flat out with --rate max), and removes it on exit.\n' +
    'Also serves the feed over TCP on --tcp-host:--tcp-port (binary frames or NDJSON; `nc 127.0.0.1 9000` shows JSON).',
  examples: [
    'npx marketfeed publish --rate 1M --duration 60',
    'npx marketfeed publish --mode backpressure --consumers 2 --count 1000000',
    'npx marketfeed publish --feed eu-quotes --tcp-host 0.0.0.0 --metrics-port 9100',
  ],
  options: {
    ...quoteStreamOptions,
    count: { type: 'integer', min: 0, default: 0, description: 'stop after this many records; 0 = no limit' },
    ...feedPublisherOptions,
  },
  async run(options) {
    const settings = publisherSettings('publish', options);
    return runPublisher(settings, quoteProducer({ instruments: options.instruments, seed: options.seed, rate: options.rate, count: options.count }));
  },
});
