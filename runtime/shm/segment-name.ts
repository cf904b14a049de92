// Segment names become file names under a shared directory: keep them to one plain path
// component that cannot climb out of it or collide with our temporary files.
import path from 'node:path';
import { SegmentError } from './segment-error.ts';

export const DEFAULT_SHM_DIRECTORY = '/dev/shm';
export const MAX_SEGMENT_NAME_LENGTH = 100;
const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function validateSegmentName(name: string): string {
  const problem =
    name.length === 0
      ? 'is empty'
      : name.length > MAX_SEGMENT_NAME_LENGTH
        ? `is longer than ${MAX_SEGMENT_NAME_LENGTH} characters`
        : name.includes('/')
          ? 'contains "/"'
          : name.includes('..')
            ? 'contains ".."'
            : !NAME_PATTERN.test(name)
              ? 'may only hold letters, digits, "_", "-" and "." and must not start with "." or "-"'
              : undefined;
  if (problem !== undefined) {
    throw new SegmentError('BAD_NAME', name, `segment name ${JSON.stringify(name)} ${problem}`);
  }
  return name;
}

export function segmentPath(name: string, directory: string = DEFAULT_SHM_DIRECTORY): string {
  return path.join(directory, validateSegmentName(name));
}
