// The kernel's boot id: two processes that read the same one share CLOCK_MONOTONIC
// (same host, containers included), so their monotonic stamps can be subtracted.
import fs from 'node:fs';

let cached: string | undefined;

export function bootId(): string {
  if (cached === undefined) {
    try {
      cached = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
