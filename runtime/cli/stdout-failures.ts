// What a command does when a write to stdout fails. When the reader goes away
// (`marketfeed … | head -1`), writes fail with EPIPE: that is not the command's failure, and
// it ends quietly with exit code 0. Any other failure (a full disk, ENOSPC) loses output:
// one plain line `marketfeed <command>: cannot write to stdout: <reason>` and exit code 1.
// Either way the command stops as on SIGTERM where it handles SIGTERM (and so cleans up:
// its segment, its children), else it exits at once.
import { systemErrorReason } from './system-error-reason.ts';

let failed = false;
/** The command has returned its exit code: a failure now only changes that code. */
let finished = false;

export function stopWhenStdoutFails(command: () => string, stdout: NodeJS.WriteStream = process.stdout): void {
  let gone = false;
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    // Writes after the first failure fail too (the stream is destroyed): nothing more to do.
    if (gone) return;
    gone = true;
    if (error.code !== 'EPIPE') {
      failed = true;
      process.stderr.write(`${command()}: cannot write to stdout: ${systemErrorReason(error)}\n`);
    }
    if (finished) return;
    if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
    else process.exit(failed ? 1 : 0);
  });
}

/**
 * The exit code once every write to stdout has completed or failed: a write fails after it
 * returns (its error comes on a later tick), so a command that exits straight after its
 * last write would otherwise exit 0 with its output lost.
 */
export async function exitCodeOnceStdoutFlushed(code: number, stdout: NodeJS.WriteStream = process.stdout): Promise<number> {
  finished = true;
  await new Promise<void>((resolve) => stdout.write('', () => setImmediate(resolve)));
  return failed ? 1 : code;
}
