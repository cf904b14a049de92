import { runTcpConsumer } from '../../consumer/tcp-consumer-process.ts';
import { parseIntegerList } from '../../text/integer-list.ts';
import { defineCommand } from '../command.ts';
import { consumerOptions, consumerSettings, processOptions, processSettings, tcpSubscriberOptions } from '../common-options.ts';
import { UsageError } from '../options.ts';

export const consumeTcpCommand = defineCommand({
  name: 'consume tcp',
  description:
    "Connects to a publisher's TCP feed (reconnecting with exponential backoff), decodes binary frames or NDJSON,\n" +
    'and logs rate, one-way latency and gaps every --report-interval. Gaps and lost records count only the\n' +
    "subscription's records (with --instruments, those instruments'). Latency uses CLOCK_MONOTONIC when the\n" +
    "publisher is on this host, wall clocks (with the publisher's offset) otherwise. A publisher of another\n" +
    'protocol version is an error (exit 1).',
  examples: [
    'npx marketfeed consume tcp --port 9000 --instruments 0-9',
    'npx marketfeed consume tcp --host feed.example --encoding json --count 100000 --json',
  ],
  options: {
    host: { type: 'string', default: '127.0.0.1', description: 'publisher host' },
    port: { type: 'integer', min: 1, max: 65535, default: 9000, description: 'publisher TCP feed port' },
    encoding: { type: 'choice', choices: ['binary', 'json'], default: 'binary', description: 'binary frames (fast) or NDJSON' },
    instruments: { type: 'string', description: 'only these instruments, e.g. 0-9,42 (default: all); filtered by the publisher' },
    ...tcpSubscriberOptions,
    ...consumerOptions,
    ...processOptions,
  },
  run(options) {
    let instruments: number[] | undefined;
    try {
      instruments = options.instruments === undefined ? undefined : parseIntegerList(options.instruments, 0xffff_ffff, 'instrument');
    } catch (error) {
      throw new UsageError(`marketfeed consume tcp: --instruments ${(error as Error).message}`);
    }
    return runTcpConsumer({
      host: options.host,
      port: options.port,
      encoding: options.encoding,
      instruments,
      clock: options.clock,
      receiveBufferBytes: options.receiveBuffer,
      ...consumerSettings(options),
      ...processSettings(options),
    });
  },
});
