// The temporary files a data file is written to before it is renamed onto its name:
// target.PID-RANDOM.download, beside the target. One claimed and not yet released is removed
// however the process ends: its writer's own clean-up, an uncaught exception (the 'exit'
// event), or SIGINT, SIGTERM or SIGHUP (removed, then the signal's own ending). What only a
// SIGKILL or a power cut can leave, the next run removes: a file whose process is gone.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const NAME = /\.(\d+)-[0-9a-f]{8}\.download$/;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** A claimed file lives for one write: one this old is left over even if its pid was reused. */
const STALE_AFTER_MS = 60 * 60 * 1000;

const claimed = new Set<string>();
let hooked = false;

function removeClaimed(): void {
  for (const file of claimed) rmSync(file, { force: true });
  claimed.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeClaimed();
  for (const name of SIGNALS) process.removeListener(name, onSignal);
  // Die of the signal as if it had not been caught, unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** A new temporary name beside target (unique: two runs filling one cache never share one), removed at exit unless released. */
export function claimTemporaryFile(target: string): string {
  if (!hooked) {
    hooked = true;
    process.on('exit', removeClaimed);
    for (const name of SIGNALS) process.on(name, onSignal);
  }
  const temporary = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.download`;
  claimed.add(temporary);
  return temporary;
}

/** The temporary file was renamed or removed: nothing left to clean up. */
export function releaseTemporaryFile(temporary: string): void {
  claimed.delete(temporary);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes, under dir, the temporary files of processes that are gone (or of an age no write takes); returns how many. */
export async function removeStaleTemporaryFiles(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const entry of entries) {
    const pid = NAME.exec(entry.name)?.[1];
    if (!entry.isFile() || pid === undefined) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (isRunning(Number(pid)) && Date.now() - (await stat(file)).mtimeMs < STALE_AFTER_MS) continue;
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}
