// Where the shared sample data lives (../shared/data/README.md): MARKETFEED_DATA_DIR, or
// ../shared/data next to the repository. Tests and benches read the files in place;
// nothing is copied into the repository.
import { existsSync } from 'node:fs';
import path from 'node:path';

export const dataDir = process.env.MARKETFEED_DATA_DIR ?? path.resolve(import.meta.dirname, '../../../shared/data');

/** The absolute path of a data file, from its path relative to the data directory. */
export function dataPath(relative: string): string {
  return path.join(dataDir, relative);
}

/** True when a data file is present; a file missing under an explicit MARKETFEED_DATA_DIR is an error. */
export function hasDataFile(relative: string): boolean {
  const present = existsSync(dataPath(relative));
  if (!present && process.env.MARKETFEED_DATA_DIR !== undefined) {
    throw new Error(`MARKETFEED_DATA_DIR is set but ${relative} is not in ${dataDir}`);
  }
  return present;
}
