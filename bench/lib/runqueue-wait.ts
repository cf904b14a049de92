// How long this thread has been runnable but waiting for a CPU while the OS ran another
// process or thread on it: the second field of /proc/thread-self/schedstat (run_delay, ns).
// The kernel adds each wait when the thread gets a CPU back, so a reading taken while the
// thread runs includes every wait that has ended. A timed region minus the wait inside it
// is the time the code itself ran: on a shared 2-core machine under a load of 8, a matching
// pass of 3 ms took 176 ms of wall time, nearly all of it waiting for a CPU.
// One descriptor, one buffer and a digit parser: a reading allocates nothing.
import fs from 'node:fs';

/** Nanoseconds this thread has waited for a CPU so far (0 forever where the kernel does not say). */
export type WaitClock = () => number;

const SCHEDSTAT = '/proc/thread-self/schedstat';
const SPACE = 0x20;
const ZERO = 0x30;
const NINE = 0x39;

/** run_delay from the text of a schedstat file ("<on-cpu ns> <waiting ns> <slices>"), or NaN if it is not there. */
export function parseRunDelay(bytes: Uint8Array, length: number): number {
  let at = 0;
  while (at < length && bytes[at] !== SPACE) at++;
  at++;
  let value = 0;
  let digits = 0;
  for (; at < length && bytes[at] >= ZERO && bytes[at] <= NINE; at++, digits++) value = value * 10 + (bytes[at] - ZERO);
  return digits === 0 ? Number.NaN : value;
}

let threadClock: WaitClock | undefined;
let available = false;

/**
 * The calling thread's wait clock (opened once: call it from the thread it measures, here
 * the main thread). Where /proc/thread-self/schedstat is missing (not Linux, no schedstats)
 * it reads 0 and waitClockAvailable() says so.
 */
export function threadWaitClock(): WaitClock {
  if (threadClock !== undefined) return threadClock;
  const buffer = new Uint8Array(128);
  let fd: number | undefined;
  try {
    fd = fs.openSync(SCHEDSTAT, 'r');
    available = Number.isFinite(parseRunDelay(buffer, fs.readSync(fd, buffer, 0, buffer.length, 0)));
  } catch {
    available = false;
  }
  const opened = fd;
  threadClock = available && opened !== undefined ? () => parseRunDelay(buffer, fs.readSync(opened, buffer, 0, buffer.length, 0)) : () => 0;
  return threadClock;
}

/** Whether threadWaitClock() reads the kernel's figure (false: it reads 0 and nothing is subtracted). */
export function waitClockAvailable(): boolean {
  threadWaitClock();
  return available;
}
