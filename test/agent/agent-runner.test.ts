import { describe, expect, it } from 'vitest';
import { AgentRunner, type Agent } from '../../runtime/agent/agent-runner.ts';
import { BackoffIdleStrategy, BusySpinIdleStrategy, createIdleStrategy, SleepingIdleStrategy, YieldingIdleStrategy } from '../../runtime/agent/idle-strategy.ts';

describe('idle strategies', () => {
  it('back off from spinning to sched_yield to sleeps that double up to the limit', () => {
    const strategy = new BackoffIdleStrategy(3, 2, 1000, 5000);
    const sleeps = Array.from({ length: 9 }, () => strategy.idle());
    expect(sleeps).toEqual([0, 0, 0, 0, 0, 1000, 2000, 4000, 5000]);
    strategy.reset();
    expect(strategy.idle()).toBe(0);
  });

  // A consumer that shares its core with a relay: a spinner without system calls holds the
  // core for its whole scheduler slice (~1 ms) against the relay woken by the network; one
  // sched_yield per empty poll hands it over at once, and costs a system call when nobody waits.
  it('yield gives way with sched_yield on every empty poll and never sleeps', () => {
    let yields = 0;
    const strategy = new YieldingIdleStrategy(() => yields++);
    const sleeps = Array.from({ length: 20_000 }, () => strategy.idle());
    expect(sleeps.every((sleepNs) => sleepNs === 0)).toBe(true);
    expect(yields).toBe(20_000);
    expect(createIdleStrategy('yield')).toMatchObject({ name: 'yield', spins: true });
  });

  it('busy-spin never sleeps and sleep always does', () => {
    expect(new BusySpinIdleStrategy().idle()).toBe(0);
    expect(new SleepingIdleStrategy(250_000).idle()).toBe(250_000);
    expect(createIdleStrategy('spin-yield').spins).toBe(false);
    expect(createIdleStrategy('busy-spin').spins).toBe(true);
  });
});

class CountingAgent implements Agent {
  calls = 0;
  readonly workUntil: number;
  readonly doneAfter: number;
  constructor(workUntil: number, doneAfter: number) {
    this.workUntil = workUntil;
    this.doneAfter = doneAfter;
  }
  doWork(): number {
    this.calls++;
    return this.calls <= this.workUntil ? 1 : 0;
  }
  isDone(): boolean {
    return this.calls >= this.doneAfter;
  }
}

describe('AgentRunner', () => {
  it('runs the agent until it is done', async () => {
    const agent = new CountingAgent(1000, 5000);
    await new AgentRunner(agent, new BusySpinIdleStrategy()).run();
    expect(agent.calls).toBe(5000);
  });

  it('lets timers run while a busy-spinning agent works, and stops on request', async () => {
    const agent = new CountingAgent(Infinity, Infinity);
    const runner = new AgentRunner(agent, new BusySpinIdleStrategy());
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
      if (ticks === 5) runner.stop();
    }, 5);
    await runner.run();
    clearInterval(timer);
    expect(ticks).toBe(5);
    expect(agent.calls).toBeGreaterThan(0);
  });

  it('sleeps when idle instead of spinning', async () => {
    const agent = new CountingAgent(0, Infinity);
    const runner = new AgentRunner(agent, new SleepingIdleStrategy(2_000_000));
    setTimeout(() => runner.stop(), 50);
    await runner.run();
    // 2 ms sleeps over ~50 ms: a few dozen polls, not millions.
    expect(agent.calls).toBeLessThan(100);
  });

  it('rejects when the agent throws', async () => {
    const agent: Agent = {
      doWork: () => {
        throw new Error('boom');
      },
      isDone: () => false,
    };
    await expect(new AgentRunner(agent, new BusySpinIdleStrategy()).run()).rejects.toThrow('boom');
  });
});
