import { runDemo } from '../../demo/demo-process.ts';
import { MAX_CAPACITY } from '../../shm/segment-layout.ts';
import { defineCommand } from '../command.ts';
import { UsageError } from '../options.ts';
import { segmentOptions } from '../common-options.ts';

export const demoCommand = defineCommand({
  name: 'demo',
  description:
    'Starts `marketfeed publish` and two `marketfeed consume shm` as child processes and prints one line per second:\n' +
    'publish rate and, per consumer, rate, one-way latency percentiles and gaps. Busy-spinning processes never\n' +
    'outnumber the free cores: the plan it picks for this machine is printed first. Ctrl-C stops everything.',
  examples: [
    'npx marketfeed demo',
    'npx marketfeed demo --duration 30 --instruments 1000',
  ],
  options: {
    'shm-dir': segmentOptions['shm-dir'],
    instruments: { type: 'integer', min: 1, max: 1_000_000, default: 100, description: 'instruments' },
    rate: { type: 'integer', min: 1, max: 10_000_000, default: 100_000, description: 'quotes per second' },
    capacity: { type: 'integer', min: 2, max: MAX_CAPACITY, default: 65536, description: 'ring capacity in records (power of two)' },
    seed: { type: 'integer', min: 0, max: 0xffff_ffff, default: 1, description: 'random seed of the quote stream' },
    duration: { type: 'number', min: 0, default: 0, description: 'stop after this many seconds; 0 = until Ctrl-C' },
    json: { type: 'boolean', default: false, description: "print every process's summary as JSON at the end" },
  },
  run(options) {
    if ((options.capacity & (options.capacity - 1)) !== 0) throw new UsageError(`marketfeed demo: --capacity must be a power of two, got ${options.capacity}`);
    return runDemo({ ...options, shmDir: options.shmDir, durationS: options.duration, out: options.json ? process.stderr : process.stdout });
  },
});
