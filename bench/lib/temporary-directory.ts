// A temporary directory that is removed when the work ends: normally, by an error, or
// by SIGINT/SIGTERM.
import fs from 'node:fs';
import path from 'node:path';
import { cleanupOnSignal } from './signal-cleanup.ts';

export async function withTemporaryDirectory<T>(parent: string, prefix: string, use: (directory: string) => Promise<T>): Promise<T> {
  const directory = fs.mkdtempSync(path.join(parent, prefix));
  const remove = (): void => fs.rmSync(directory, { recursive: true, force: true });
  const unregister = cleanupOnSignal(remove);
  try {
    return await use(directory);
  } finally {
    remove();
    unregister();
  }
}
