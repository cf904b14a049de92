// pino logs, one line per event, on stderr: stdout stays free for a command's
// machine-readable result (--json), so `marketfeed … --json | jq` works. JSON lines for
// machines (pods, pipes, files); on a terminal, pino-pretty's readable lines.
//
// pino-pretty runs in-process, as a formatter in front of the same synchronous stderr
// writer, not as a pino transport: a transport is a worker thread, which on a small
// machine competes for a core with the busy-spinning agents, and is asynchronous, so the
// last lines before an exit could be lost. A process logs a line a second or so; formatting
// it on the main thread costs microseconds.
import tty from 'node:tty';
import { pino, type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { serializeError } from './fatal-error.ts';

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** auto: pretty when stderr is a terminal, JSON otherwise. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function resolveLogFormat(format: LogFormat, stderrIsTerminal: boolean = tty.isatty(2)): 'json' | 'pretty' {
  return format === 'auto' ? (stderrIsTerminal ? 'pretty' : 'json') : format;
}

export function createLogger(name: string, level: LogLevel = 'info', format: LogFormat = 'auto'): Logger {
  const stderr = pino.destination({ fd: 2, sync: true });
  const options = { name, level, base: { pid: process.pid }, serializers: { err: serializeError } };
  if (resolveLogFormat(format) === 'json') return pino(options, stderr);
  return pino({ ...options, hooks: { logMethod: skipFatal } }, prettyWriter(stderr));
}

/**
 * Pretty logs leave out `fatal` events: a person reads them, and the error that ends the
 * process is the plain last line `marketfeed <command>: …` (fatal-error.ts) that the CLI
 * prints anyway; saying it twice is noise. JSON logs keep the structured fatal line for
 * log collectors.
 */
function skipFatal(this: Logger, args: Parameters<Logger['info']>, method: Logger['info'], level: number): void {
  if (level < pino.levels.values.fatal) method.apply(this, args);
}

/**
 * Whether pretty lines are coloured: on a terminal, unless NO_COLOR is set (no-color.org) or
 * TERM is dumb; FORCE_COLOR overrides both ways, as for Node's own output (force-color.org):
 * colours into a pipe or a file with FORCE_COLOR=1, none with FORCE_COLOR=0 or false.
 */
export function colourLogs(env: NodeJS.ProcessEnv = process.env, stderrIsTerminal: boolean = tty.isatty(2)): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR.toLowerCase() !== 'false';
  if ((env.NO_COLOR ?? '') !== '' || env.TERM === 'dumb') return false;
  return stderrIsTerminal;
}

/** Formats each JSON line before it reaches `out`: `[12:00:00.000] INFO (publisher/42): message {fields}`, one line per event. */
function prettyWriter(out: DestinationStream): DestinationStream {
  const format = prettyFactory({ colorize: colourLogs(), translateTime: 'SYS:HH:MM:ss.l', singleLine: true, errorLikeObjectKeys: [] });
  return { write: (line: string) => out.write(format(line)) };
}
