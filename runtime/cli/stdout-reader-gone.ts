// When the reader of stdout goes away (`marketfeed … | head -1`), writes fail with EPIPE.
// That is not the command's failure: it stops as on SIGTERM where it handles SIGTERM (and
// so cleans up: its segment, its children), else it exits at once; quietly, exit code 0.
export function stopWhenStdoutReaderGoes(stdout: NodeJS.WriteStream = process.stdout): void {
  let gone = false;
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    // Writes after the first failure fail too (the stream is destroyed): nothing more to do.
    if (gone) return;
    if (error.code !== 'EPIPE') throw error;
    gone = true;
    if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
    else process.exit(0);
  });
}
