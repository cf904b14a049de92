import type { LogFormat, LogLevel } from '../observability/logger.ts';

/** The settings every long-running process takes (see the CLI's processOptions). */
export interface ProcessSettings {
  /** Seconds until the process stops by itself; 0 = until signalled. */
  durationS: number;
  reportIntervalS: number;
  /** 0 = no metrics server. */
  metricsPort: number;
  cpus: number[] | undefined;
  json: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Stop as on SIGTERM once this process (the supervisor that started this one) is gone; undefined = never. */
  stopWithParent: number | undefined;
}
