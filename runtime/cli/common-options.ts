// Options every long-running process shares; names that scripts and docs rely on.
import { IDLE_STRATEGY_NAMES } from '../agent/idle-strategy.ts';
import { LOG_LEVELS } from '../observability/logger.ts';
import type { ProcessSettings } from '../service/process-settings.ts';
import { DEFAULT_SHM_DIRECTORY } from '../shm/segment-name.ts';
import type { OptionValues } from './options.ts';

export const DEFAULT_FEED = 'marketfeed';

export const processOptions = {
  duration: { type: 'number', min: 0, default: 0, description: 'stop after this many seconds; 0 = until SIGTERM/SIGINT' },
  'metrics-port': { type: 'integer', min: 0, max: 65535, default: 0, description: 'HTTP port for /metrics, /healthz, /readyz; 0 = off' },
  cpus: { type: 'cpus', description: 'pin the process to these CPUs (e.g. 2-3); default: run where started' },
  json: { type: 'boolean', default: false, description: 'print a machine-readable summary on stdout at exit' },
  'report-interval': { type: 'number', min: 0.05, default: 1, description: 'seconds between summary log lines' },
  'log-level': { type: 'choice', choices: LOG_LEVELS, default: 'info', description: 'pino log level (logs go to stderr)', env: 'LOG_LEVEL' },
} as const;

export const segmentOptions = {
  feed: { type: 'string', default: DEFAULT_FEED, description: 'feed name = segment file name under --shm-dir' },
  'shm-dir': { type: 'string', default: DEFAULT_SHM_DIRECTORY, description: 'directory of shared-memory segments' },
} as const;

export const idleOption = {
  idle: {
    type: 'choice',
    choices: IDLE_STRATEGY_NAMES,
    default: 'busy-spin',
    description: 'what to do when there is nothing to do: busy-spin (one core), spin-yield (spin, sched_yield, then sleep), sleep',
  },
  'idle-sleep-us': { type: 'integer', min: 1, max: 1_000_000, default: 1000, description: 'longest sleep of the sleep and spin-yield strategies, µs' },
} as const;

export function processSettings(options: OptionValues<typeof processOptions>): ProcessSettings {
  return {
    durationS: options.duration,
    reportIntervalS: options.reportInterval,
    metricsPort: options.metricsPort,
    cpus: options.cpus,
    json: options.json,
    logLevel: options.logLevel,
  };
}
