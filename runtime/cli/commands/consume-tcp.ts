import { runTcpConsumer } from '../../consumer/tcp-consumer-process.ts';
import { parseIntegerList } from '../../text/integer-list.ts';
import { defineCommand } from '../command.ts';
import { processOptions, processSettings } from '../common-options.ts';
import { UsageError } from '../options.ts';

export const consumeTcpCommand = defineCommand({
  name: 'consume tcp',
  description:
    "Connects to a publisher's TCP feed (reconnecting with exponential backoff), decodes binary frames or NDJSON,\n" +
    'and logs rate, one-way latency and gaps every --report-interval. Latency uses CLOCK_MONOTONIC when the\n' +
    "publisher is on this host, wall clocks (with the publisher's offset) otherwise.",
  options: {
    host: { type: 'string', default: '127.0.0.1', description: 'publisher host' },
    port: { type: 'integer', min: 1, max: 65535, default: 9000, description: 'publisher TCP feed port' },
    encoding: { type: 'choice', choices: ['binary', 'json'], default: 'binary', description: 'binary frames (fast) or NDJSON' },
    instruments: { type: 'string', description: 'only these instruments, e.g. 0-9,42 (default: all)' },
    name: { type: 'string', default: `consumer-${process.pid}`, description: 'name of this consumer in logs and metrics' },
    clock: { type: 'choice', choices: ['auto', 'monotonic', 'wall'], default: 'auto', description: 'latency clock; auto = monotonic on the same host, else wall' },
    count: { type: 'integer', min: 0, default: 0, description: 'exit after this many records; 0 = no limit' },
    'latency-sample': { type: 'integer', min: 1, default: 1, description: 'record the latency of one record in N' },
    'verify-seed': { type: 'integer', min: 0, max: 0xffff_ffff, description: "check every record against the publisher's stream for this seed" },
    'verify-instruments': { type: 'integer', min: 1, default: 100, description: 'instrument count of the verified stream' },
    'receive-buffer': { type: 'integer', min: 0, default: 4 * 1024 * 1024, description: 'SO_RCVBUF, bytes; 0 = kernel default' },
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
      name: options.name,
      clock: options.clock,
      count: options.count,
      latencySample: options.latencySample,
      verifySeed: options.verifySeed,
      verifyInstruments: options.verifyInstruments,
      receiveBufferBytes: options.receiveBuffer,
      ...processSettings(options),
    });
  },
});
