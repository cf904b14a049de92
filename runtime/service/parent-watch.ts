// `--stop-with-parent PID`: a process started by a supervisor (the demo, a script) stops as
// on SIGTERM once that supervisor is gone, even when it died without a word (kill -9, the
// OOM killer, a crash): its children would otherwise be re-parented and run on forever.
// "Gone" means PID is no longer among this process's ancestors, read from /proc: a process
// whose ancestor dies is re-parented at once (to init or a subreaper), and a pid reused
// later cannot become an ancestor again, so there is no false alarm from pid reuse; and
// ancestors, not only the parent, so that it works through npx and shells too. Checked at
// once, which also catches a supervisor that died while this process was still starting,
// then on a short timer (unref'd: it never keeps the process alive).
import { readFileSync } from 'node:fs';

/** How often the ancestors are looked at: the delay, at most, between the supervisor's death and the stop. */
export const PARENT_CHECK_INTERVAL_MS = 250;
/** Ancestors followed at most (the chain is short; this only bounds a pathological /proc). */
const MAX_DEPTH = 1024;

/** The parent pid in the text of /proc/<pid>/stat (the command name, in parentheses, may hold anything). */
export function parentPidFromStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]);
}

function parentOf(pid: number): number {
  try {
    return parentPidFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0; // gone meanwhile: its children have been re-parented, so the chain is broken
  }
}

/** Whether process `pid` is this process's parent, grandparent, and so on. */
export function isAncestor(pid: number): boolean {
  let current = process.ppid;
  for (let depth = 0; depth < MAX_DEPTH && current > 0; depth++) {
    if (current === pid) return true;
    if (current === 1) return false;
    current = parentOf(current);
  }
  return false;
}

/** Calls onGone once, as soon as `pid` is not an ancestor any more (at once if it is not now); returns the unwatch. */
export function watchParent(pid: number, onGone: () => void, intervalMs: number = PARENT_CHECK_INTERVAL_MS): () => void {
  if (!isAncestor(pid)) {
    onGone();
    return () => {};
  }
  const timer = setInterval(() => {
    if (isAncestor(pid)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
