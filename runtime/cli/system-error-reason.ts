// A failed system call as a user reads it, without Node's own wording ("ENOENT: no such file
// or directory, open '/x'"): the system's message and its code, "no such file or directory
// (ENOENT)", for a line that names the file itself.
import { getSystemErrorMessage } from 'node:util';

export function systemErrorReason(error: unknown): string {
  const { errno, code, message } = error as NodeJS.ErrnoException;
  if (typeof errno !== 'number' || typeof code !== 'string') return error instanceof Error ? message : String(error);
  return `${getSystemErrorMessage(errno)} (${code})`;
}
