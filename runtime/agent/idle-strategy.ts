// What a polling loop does when a poll found nothing: Aeron's idle strategies, in Node.
// idle() returns how long the caller should sleep, in ns (0 = poll again at once); short
// pauses (spinning, sched_yield) happen inside idle() itself.
import { native } from '../native/native-addon.ts';

export interface IdleStrategy {
  readonly name: IdleStrategyName;
  /** Whether this strategy keeps its core busy while idle. */
  readonly spins: boolean;
  idle(): number;
  /** Called after a poll that did work. */
  reset(): void;
}

export const IDLE_STRATEGY_NAMES = ['busy-spin', 'yield', 'spin-yield', 'sleep'] as const;
export type IdleStrategyName = (typeof IDLE_STRATEGY_NAMES)[number];

/** Polls again at once: lowest latency, one whole core per process. */
export class BusySpinIdleStrategy implements IdleStrategy {
  readonly name = 'busy-spin';
  readonly spins = true;
  idle(): number {
    return 0;
  }
  reset(): void {}
}

/**
 * Calls sched_yield after every empty poll (Aeron's YieldingIdleStrategy): as fast as
 * busy-spin when the core is its own (the call returns at once, ~1 µs), but a process woken
 * on the same core (a relay, by the network) runs at once instead of waiting out the
 * spinner's scheduler slice (~1 ms measured here): what a consumer that shares a core needs.
 */
export class YieldingIdleStrategy implements IdleStrategy {
  readonly name = 'yield';
  readonly spins = true;
  private readonly yieldCpu: () => void;
  constructor(yieldCpu: () => void = native.yieldCpu) {
    this.yieldCpu = yieldCpu;
  }
  idle(): number {
    this.yieldCpu();
    return 0;
  }
  reset(): void {}
}

/**
 * Spins for a while, then calls sched_yield for a while (other threads on the core may
 * run), then sleeps with exponential backoff up to maxSleepNs. Good latency while data
 * flows, little CPU when it stops.
 */
export class BackoffIdleStrategy implements IdleStrategy {
  readonly name = 'spin-yield';
  readonly spins = false;
  private idleCount = 0;
  private sleepNs: number;
  private readonly maxSpins: number;
  private readonly maxYields: number;
  private readonly minSleepNs: number;
  private readonly maxSleepNs: number;

  constructor(maxSpins = 10_000, maxYields = 100, minSleepNs = 50_000, maxSleepNs = 1_000_000) {
    this.maxSpins = maxSpins;
    this.maxYields = maxYields;
    this.minSleepNs = minSleepNs;
    this.maxSleepNs = maxSleepNs;
    this.sleepNs = minSleepNs;
  }

  idle(): number {
    this.idleCount++;
    if (this.idleCount <= this.maxSpins) return 0;
    if (this.idleCount <= this.maxSpins + this.maxYields) {
      native.yieldCpu();
      return 0;
    }
    const sleepNs = this.sleepNs;
    this.sleepNs = Math.min(this.sleepNs * 2, this.maxSleepNs);
    return sleepNs;
  }

  reset(): void {
    this.idleCount = 0;
    this.sleepNs = this.minSleepNs;
  }
}

/** Always sleeps a fixed time: least CPU, latency up to the sleep. */
export class SleepingIdleStrategy implements IdleStrategy {
  readonly name = 'sleep';
  readonly spins = false;
  private readonly sleepNs: number;
  constructor(sleepNs = 1_000_000) {
    this.sleepNs = sleepNs;
  }
  idle(): number {
    return this.sleepNs;
  }
  reset(): void {}
}

export function createIdleStrategy(name: IdleStrategyName, sleepNs?: number): IdleStrategy {
  switch (name) {
    case 'busy-spin':
      return new BusySpinIdleStrategy();
    case 'yield':
      return new YieldingIdleStrategy();
    case 'spin-yield':
      return new BackoffIdleStrategy(undefined, undefined, undefined, sleepNs);
    case 'sleep':
      return new SleepingIdleStrategy(sleepNs);
  }
}
