// Where the shared FIX sample files live: ../shared/data/ next to the repository, or
// MARKETFEED_DATA_DIR. Files are read in place, never copied into the repository.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const dataDir = process.env.MARKETFEED_DATA_DIR ?? resolve(here, '../../../shared/data');

export function readFixLines(relative: string): string[] {
  return readFileSync(join(dataDir, relative), 'latin1').split(/\r?\n/).filter((line) => line.length > 0);
}

export function soh(line: string): Buffer {
  return Buffer.from(line.replaceAll('|', '\x01'), 'latin1');
}
