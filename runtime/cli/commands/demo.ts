import { runDemo } from '../../demo/demo-process.ts';
import { SPIN_POLICIES } from '../../demo/demo-plan.ts';
import { defineCommand } from '../command.ts';
import { UsageError } from '../options.ts';
import { feedPublisherOptions, quoteStreamOptions, segmentOptions } from '../common-options.ts';

export const demoCommand = defineCommand({
  name: 'demo',
  description:
    'Starts `marketfeed publish` and two `marketfeed consume shm` as child processes and prints one line per second:\n' +
    'publish rate and, per consumer, rate, one-way latency percentiles and gaps. Busy-spinning processes never\n' +
    'outnumber the free cores, and yield instead when other processes keep the cores busy (a spinner sharing its\n' +
    'core shows the scheduler, not the feed): the plan it picks, and why, is printed first. Ctrl-C (SIGINT),\n' +
    'SIGTERM or --duration stops every child; the exit code is 0 when all of them stopped cleanly.',
  examples: [
    'npx marketfeed demo',
    'npx marketfeed demo --duration 30 --instruments 1000',
  ],
  options: {
    'shm-dir': segmentOptions['shm-dir'],
    ...quoteStreamOptions,
    capacity: feedPublisherOptions.capacity,
    duration: { type: 'number', min: 0, default: 0, description: 'stop after this many seconds; 0 = until Ctrl-C' },
    'busy-spin': {
      type: 'choice',
      choices: SPIN_POLICIES,
      default: 'auto',
      description: 'auto: busy-spin only on cores the CPU load measured at start leaves free; yes: whatever the load; no: never',
    },
    json: { type: 'boolean', default: false, description: "print every process's summary as JSON at the end" },
  },
  run(options) {
    if ((options.capacity & (options.capacity - 1)) !== 0) throw new UsageError(`marketfeed demo: --capacity must be a power of two, got ${options.capacity}`);
    return runDemo({ ...options, durationS: options.duration, out: options.json ? process.stderr : process.stdout });
  },
});
