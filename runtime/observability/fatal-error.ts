// How a process reports the error that ends it, the same from every command: one
// structured `fatal` log line (JSON logs only: pretty ones leave it to the plain line, see
// logger.ts) and, as the last line on stderr, a plain
// `marketfeed <command>: <message>`. An expected failure (a system call refused, a port in
// use, bad input named by one of the project's own error classes) shows its message only;
// anything else is a bug, and shows its stack.
import { pino } from 'pino';
import type { Logger } from './logger.ts';

const ENGINE_ERRORS = new Set<unknown>([Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError, AggregateError]);

/** True for a failure the program anticipates and names; false for a bug. */
export function isExpectedFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  // Node's ERR_* codes are about arguments and states its caller got wrong.
  if (typeof code === 'string') return !code.startsWith('ERR_');
  // A class of the project's own (SegmentError, CaptureFormatError, ...) is a failure it names.
  return !ENGINE_ERRORS.has((Object.getPrototypeOf(error) as object | null)?.constructor);
}

/** A thrown value as an Error (the same object when it is one, so that it keeps its identity). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `err` field of a log line (the loggers' serializer): type, message, code and the like; the stack only for a bug. */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const { stack, ...fields } = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  return isExpectedFailure(error) ? fields : { ...fields, stack };
}

/** The plain report on stderr: `marketfeed <command>: <message>`, then the stack of a bug. */
export function fatalLine(command: string, error: unknown): string {
  const stack = !isExpectedFailure(error) && error instanceof Error && error.stack !== undefined ? `${error.stack}\n` : '';
  return `marketfeed ${command}: ${errorMessage(error)}\n${stack}`;
}

const logged = new WeakSet<object>();

/** Logs the structured fatal line of `error`, once: the CLI then only adds the plain line. */
export function logFatal(logger: Logger, error: unknown): void {
  if (wasFatalLogged(error)) return;
  logger.fatal({ err: error }, errorMessage(error));
  if (typeof error === 'object' && error !== null) logged.add(error);
}

export function wasFatalLogged(error: unknown): boolean {
  return typeof error === 'object' && error !== null && logged.has(error);
}
