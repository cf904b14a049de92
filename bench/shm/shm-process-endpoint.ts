// A child process at one end of the cross-process ring (impl "marketfeed"):
//   node shm-process-endpoint.ts --role writer|reader --shm-dir DIR --feed NAME [--cpu N] --load JSON [--start latest] [--idle yield]
// The bench creates the segment; the writer marks it closed and removes it at the end,
// as the publisher does, and the reader sees that as the end of the stream.
import { parseArgs } from 'node:util';
import { createIdleStrategy } from '../../runtime/agent/idle-strategy.ts';
import { placeOnCpus } from '../../runtime/cpu/cpu-pinning.ts';
import { Segment } from '../../runtime/shm/segment.ts';
import type { LoadSpec } from '../lib/load-spec.ts';
import { runRingEndpoint, type Role } from './ring-endpoint.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    'shm-dir': { type: 'string' },
    feed: { type: 'string' },
    cpu: { type: 'string' },
    load: { type: 'string' },
    // A reader of a ring already being written (the relay bench): from the latest record.
    start: { type: 'string', default: 'oldest' },
    // The reader after an empty poll: busy-spin, or yield (the relay bench: it shares its core with the relay).
    idle: { type: 'string', default: 'busy-spin' },
  },
  strict: true,
});
const role = values.role as Role;
if ((role !== 'writer' && role !== 'reader') || values['shm-dir'] === undefined || values.feed === undefined || values.load === undefined || !['busy-spin', 'yield'].includes(values.idle)) {
  throw new Error('usage: shm-process-endpoint.ts --role writer|reader --shm-dir DIR --feed NAME [--cpu N] --load JSON [--start latest] [--idle busy-spin|yield]');
}
// Every thread of the process, V8's helpers included, so that they share this core
// instead of preempting the other end's.
if (values.cpu !== undefined) placeOnCpus([Number(values.cpu)]);

const segment = Segment.open({ name: values.feed, directory: values['shm-dir'] }, role === 'writer');
try {
  await runRingEndpoint(role, segment.ring(), JSON.parse(values.load) as LoadSpec, {
    mark: () => segment.closeAndRemove(),
    isMarked: () => segment.isClosedByWriter,
  }, { start: values.start === 'latest' ? 'latest' : 'oldest', ...(values.idle === 'yield' ? { idle: createIdleStrategy('yield') } : {}) });
} finally {
  segment.close();
}
