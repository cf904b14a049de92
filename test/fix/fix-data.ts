// FIX sample files of the test data (test/helpers/shared-data.ts), read in place.
import { readFileSync } from 'node:fs';
import { dataPath } from '../helpers/shared-data.ts';

export function readFixLines(relative: string): string[] {
  return readFileSync(dataPath(relative), 'latin1').split(/\r?\n/).filter((line) => line.length > 0);
}

export function soh(line: string): Buffer {
  return Buffer.from(line.replaceAll('|', '\x01'), 'latin1');
}
