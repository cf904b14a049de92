// One writer per store log: two processes appending to the same log would interleave their
// records and each would cut the other's as a torn tail. A lock file beside the log holds
// the owner's pid and its start time (from /proc, so that a pid reused after a crash, as a
// restarted container's often is, is not mistaken for the owner); a lock whose owner is gone
// is stale and taken over. Within one process a set of held paths refuses a second open.
import fs from 'node:fs';
import path from 'node:path';

const held = new Set<string>();

export class StoreInUseError extends Error {
  constructor(file: string, owner: string) {
    super(`FIX message store ${file} is in use by ${owner}: one process, one store object at a time (stop the other, or give each session its own directory)`);
    this.name = 'StoreInUseError';
  }
}

/** The start time of process `pid` in clock ticks since boot ('' where /proc cannot tell). */
function startTimeOf(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function alive(pid: number, startTime: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return startTime === '' || startTimeOf(pid) === startTime;
}

/** Takes the lock of `file` (its path + '.lock'); returns the function that gives it back. */
export function lockStoreFile(file: string): () => void {
  const lock = path.resolve(`${file}.lock`);
  if (held.has(lock)) throw new StoreInUseError(file, 'another FileMessageStore in this process');
  const identity = `${process.pid} ${startTimeOf(process.pid)}`;
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(lock, identity, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const [pid, startTime = ''] = fs.readFileSync(lock, 'utf8').split(' ');
    const owner = Number(pid);
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && alive(owner, startTime)) throw new StoreInUseError(file, `process ${owner}`);
    fs.rmSync(lock, { force: true }); // stale: its owner is gone
  }
  held.add(lock);
  return () => {
    held.delete(lock);
    try {
      if (fs.readFileSync(lock, 'utf8') === identity) fs.rmSync(lock);
    } catch {
      // already gone
    }
  };
}
