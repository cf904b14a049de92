// A private segment directory per test file, on tmpfs like /dev/shm, removed afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function makeShmDir(): string {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  return fs.mkdtempSync(path.join(base, 'marketfeed-test-'));
}

export function removeShmDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

let counter = 0;
export function uniqueFeed(prefix = 'feed'): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}
