// Live processes found by their command line (/proc/<pid>/cmdline): what a test started and
// can no longer reach as its child (a demo's children, a process under a shell it killed).
import fs from 'node:fs';

/** Processes other than this one whose command line contains `text` (e.g. a test's segment directory). */
export function processesMentioning(text: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** SIGKILLs what a failed test left running. */
export function killProcessesMentioning(text: string): void {
  for (const pid of processesMentioning(text)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
