// Is a process alive? kill(pid, 0) answers for our own pid namespace only: processes in
// another container of the same pod may be invisible, so callers also weigh heartbeats.
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
