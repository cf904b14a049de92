// Runs a polling agent on the main thread without starving the event loop: the agent's
// doWork() is called in a tight loop for up to one slice (default 1 ms), then the loop
// returns to the event loop (signals, timers, the metrics server) and resumes at once.
// When the idle strategy asks for a sleep, short sleeps block in Atomics.wait (precise to
// tens of µs), longer ones become a timer.
import { monotonicNs } from '../clock/clock.ts';
import type { IdleStrategy } from './idle-strategy.ts';

export interface Agent {
  /** Does one unit of work; returns how much (0 = found nothing to do). */
  doWork(): number;
  /** True once the agent has finished (e.g. a record count was reached). */
  isDone(): boolean;
}

const SHORT_SLEEP_LIMIT_NS = 1_000_000;
const SLICE_CHECK_MASK = 63;

export class AgentRunner {
  private readonly agent: Agent;
  private readonly idle: IdleStrategy;
  private readonly sliceNs: number;
  private readonly sleepCell = new Int32Array(new SharedArrayBuffer(4));
  private stopped = false;
  private finish: (() => void) | undefined;
  private fail: ((error: unknown) => void) | undefined;

  constructor(agent: Agent, idle: IdleStrategy, sliceMs = 1) {
    this.agent = agent;
    this.idle = idle;
    this.sliceNs = sliceMs * 1e6;
  }

  /** Resolves when the agent is done or stop() is called; rejects if doWork throws. */
  run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
      setImmediate(this.runSlice);
    });
  }

  stop(): void {
    this.stopped = true;
  }

  private readonly runSlice = (): void => {
    try {
      this.slice();
    } catch (error) {
      this.stopped = true;
      this.fail?.(error);
    }
  };

  private slice(): void {
    const agent = this.agent;
    const idle = this.idle;
    const sliceEnd = monotonicNs() + this.sliceNs;
    let iterations = 0;
    for (;;) {
      if (this.stopped || agent.isDone()) {
        this.finish?.();
        return;
      }
      if (agent.doWork() > 0) {
        idle.reset();
      } else {
        const sleepNs = idle.idle();
        if (sleepNs >= SHORT_SLEEP_LIMIT_NS) {
          setTimeout(this.runSlice, Math.round(sleepNs / 1e6));
          return;
        }
        if (sleepNs > 0) {
          Atomics.wait(this.sleepCell, 0, 0, sleepNs / 1e6);
          if (monotonicNs() > sliceEnd) break;
        }
      }
      if ((++iterations & SLICE_CHECK_MASK) === 0 && monotonicNs() > sliceEnd) break;
    }
    setImmediate(this.runSlice);
  }
}
