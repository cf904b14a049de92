// The kill switch's state on disk, so that a restarted trader stays halted until an operator
// resets it: a small JSON file written whole (temporary file, fsync, rename, directory fsync),
// so a crash leaves the old state or the new one, never half of one. A file that cannot be
// read or understood counts as HALTED: when in doubt, do not trade.
import fs from 'node:fs';
import path from 'node:path';

export interface KillState {
  halted: boolean;
  /** KILL_REASON_NAME of the trigger that halted (kept after a reset, for the record). */
  reason: string;
  detail: string;
  /** Wall-clock ISO time of the halt. */
  haltedAt: string;
  /** Who reset it and when (absent while halted). */
  resetBy?: string;
  resetAt?: string;
}

export const UNREADABLE_STATE_REASON = 'state_file_unreadable';

export function readKillState(file: string): KillState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return unreadable(file, (error as Error).message);
  }
  try {
    const state = JSON.parse(text) as Partial<KillState>;
    if (typeof state.halted !== 'boolean' || typeof state.reason !== 'string' || typeof state.detail !== 'string' || typeof state.haltedAt !== 'string') {
      return unreadable(file, 'not a kill-switch state');
    }
    return state as KillState;
  } catch (error) {
    return unreadable(file, (error as Error).message);
  }
}

function unreadable(file: string, why: string): KillState {
  return { halted: true, reason: UNREADABLE_STATE_REASON, detail: `${file}: ${why}`, haltedAt: new Date().toISOString() };
}

export function writeKillState(file: string, state: KillState): void {
  const temporary = `${file}.new`;
  const fd = fs.openSync(temporary, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
  const directory = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(directory);
  } finally {
    fs.closeSync(directory);
  }
}
