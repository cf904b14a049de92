// Where the shared sample data lives: MARKETFEED_DATA_DIR, or ../shared/data next to the
// repository. Tests read the files in place; nothing is copied into the repository.
import { existsSync } from 'node:fs';
import path from 'node:path';

export const dataDir = process.env.MARKETFEED_DATA_DIR ?? path.resolve(import.meta.dirname, '../../../shared/data');

/** True when a data file is present; a file missing under an explicit MARKETFEED_DATA_DIR is an error. */
export function hasDataFile(relative: string): boolean {
  const present = existsSync(path.join(dataDir, relative));
  if (!present && process.env.MARKETFEED_DATA_DIR !== undefined) {
    throw new Error(`MARKETFEED_DATA_DIR is set but ${relative} is not in ${dataDir}`);
  }
  return present;
}
