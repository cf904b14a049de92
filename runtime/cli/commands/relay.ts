import { runRelay } from '../../relay/relay-process.ts';
import { defineCommand } from '../command.ts';
import {
  capacityOption,
  checkCapacity,
  consumerOptions,
  consumerSettings,
  groupAccessOption,
  processOptions,
  processSettings,
  segmentOptions,
  tcpSubscriberOptions,
} from '../common-options.ts';
import { parseHostPort } from '../host-port.ts';
import { UsageError } from '../options.ts';

export const relayCommand = defineCommand({
  name: 'relay',
  description:
    "Subscribes to a publisher's TCP feed (--from HOST:PORT, binary, every instrument) and writes every record\n" +
    'bit-for-bit (same sequence numbers and timestamps) into the broadcast segment /dev/shm/FEED on this host, so\n' +
    '`consume shm --feed FEED` here reads the publisher\'s stream as if it ran on this host. Records lost on the TCP\n' +
    'leg (a slow relay dropped by the publisher, a reconnect) are counted and logged; SHM consumers see them as\n' +
    'lost records of one gap. Reconnects with exponential backoff, keeping the segment; a restarted publisher\n' +
    '(new epoch) gets a new segment, which SHM consumers follow. Removes the segment on exit.',
  examples: [
    'npx marketfeed relay --from feed.example:9000 --feed eu-quotes',
    'npx marketfeed relay --from 10.0.0.5:9000 --capacity 262144 --metrics-port 9102 --json',
  ],
  options: {
    from: { type: 'string', description: "the publisher's TCP feed, HOST:PORT (required)" },
    ...segmentOptions,
    ...capacityOption,
    ...groupAccessOption,
    ...tcpSubscriberOptions,
    ...consumerOptions,
    name: { type: 'string', default: `relay-${process.pid}`, defaultShown: 'relay-<pid>', description: 'name of this relay in logs and metrics' },
    ...processOptions,
  },
  run(options) {
    if (options.from === undefined) throw new UsageError('marketfeed relay: --from HOST:PORT is required (the publisher\'s TCP feed)');
    const { host, port } = parseHostPort(options.from, 'marketfeed relay: --from');
    checkCapacity('relay', options.capacity);
    return runRelay({
      host,
      port,
      feed: options.feed,
      shmDir: options.shmDir,
      capacity: options.capacity,
      groupAccess: options.groupAccess,
      clock: options.clock,
      receiveBufferBytes: options.receiveBuffer,
      ...consumerSettings(options),
      ...processSettings(options),
    });
  },
});
