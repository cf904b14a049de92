import { runRecord } from '../../replay/record-process.ts';
import { defineCommand } from '../command.ts';
import { consumerOptions, consumerSettings, processOptions, processSettings, shmConsumerSettings, shmReadOptions } from '../common-options.ts';
import { parseHostPort } from '../host-port.ts';
import { UsageError } from '../options.ts';

export const recordCommand = defineCommand({
  name: 'record',
  description:
    'Captures a live feed into --out, a capture file that `marketfeed replay` plays back: every record exactly as\n' +
    'published, in CRC-checked blocks. Reads /dev/shm/FEED like `consume shm` (following publisher restarts), or a\n' +
    "publisher's TCP feed with --tcp HOST:PORT like `consume tcp`. Stops on --count, --duration, --exit-on-end,\n" +
    'SIGTERM or SIGINT and closes the file cleanly; the summary counts records, bytes, gaps and lost records.',
  examples: [
    'npx marketfeed record --out feed.mfcap --duration 60',
    'npx marketfeed record --tcp 127.0.0.1:9000 --out feed.mfcap --count 100000',
  ],
  options: {
    out: { type: 'string', description: 'capture file to write (e.g. feed.mfcap)' },
    force: { type: 'boolean', default: false, description: 'overwrite --out if it exists' },
    tcp: { type: 'string', description: "record a publisher's TCP feed at HOST:PORT instead of shared memory" },
    'flush-interval-ms': { type: 'integer', min: 1, max: 60_000, default: 100, description: 'write the records received so far at least this often (what a killed recorder can lose)' },
    ...shmReadOptions,
    ...consumerOptions,
    ...processOptions,
  },
  async run(options) {
    if (options.out === undefined) throw new UsageError('marketfeed record: --out is required');
    const target = { out: options.out, overwrite: options.force, flushIntervalMs: options.flushIntervalMs };
    if (options.tcp === undefined) return runRecord(target, { kind: 'shm', consumer: shmConsumerSettings(options) });
    const { host, port } = parseHostPort(options.tcp, 'marketfeed record: --tcp');
    return runRecord(target, {
      kind: 'tcp',
      consumer: {
        host,
        port,
        encoding: 'binary',
        instruments: undefined,
        clock: 'auto',
        receiveBufferBytes: 4 * 1024 * 1024,
        ...consumerSettings(options),
        ...processSettings(options),
      },
    });
  },
});
