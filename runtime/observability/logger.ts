// pino JSON logs, one line per event, on stderr: stdout stays free for a command's
// machine-readable result (--json), so `marketfeed … --json | jq` works.
import { pino, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}
