// Time as a FIX session sees it: the wall clock for SendingTime (stamped on what it sends,
// checked on what it receives) and a monotonic clock with timers for heartbeats, test
// requests and logon/logout timeouts. Injectable, so that the timing rules are tested with a
// fake clock and no real waits.

export interface FixSessionClock {
  /** Milliseconds since the Unix epoch (SendingTime). */
  wallNow(): number;
  /** Milliseconds on a clock that never goes back (intervals). */
  monotonicNow(): number;
  /** Calls `callback` every `ms` milliseconds of the monotonic clock until cancelled. */
  every(ms: number, callback: () => void): { cancel(): void };
}

export const systemClock: FixSessionClock = {
  wallNow: () => Date.now(),
  monotonicNow: () => performance.now(),
  every(ms, callback) {
    const timer = setInterval(callback, ms);
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
};
