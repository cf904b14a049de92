import { runShmConsumer } from '../../consumer/shm-consumer-process.ts';
import { defineCommand } from '../command.ts';
import { consumerOptions, processOptions, shmConsumerSettings, shmReadOptions } from '../common-options.ts';

export const consumeShmCommand = defineCommand({
  name: 'consume shm',
  description:
    'Attaches to /dev/shm/FEED (waiting for the publisher if it is not there yet), reads every record, and logs\n' +
    'rate, latency percentiles and gaps every --report-interval. Follows the publisher across restarts.',
  examples: [
    'npx marketfeed consume shm',
    'npx marketfeed consume shm --feed eu-quotes --idle spin-yield --cpus 1 --json',
  ],
  options: {
    ...shmReadOptions,
    ...consumerOptions,
    ...processOptions,
  },
  run(options) {
    return runShmConsumer(shmConsumerSettings(options));
  },
});
