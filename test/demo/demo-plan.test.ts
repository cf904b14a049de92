import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_LOAD_CORES, planDemo, spinBudget, SPIN_POLICIES } from '../../runtime/demo/demo-plan.ts';
import { formatDemoLine, formatDemoPlan, formatNs } from '../../runtime/demo/demo-format.ts';

describe('demo plan', () => {
  it('never runs more busy-spinning processes than free cores, each alone on its core', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 20 }), (cpus, consumers, budget) => {
        const plan = planDemo(cpus, consumers, { cores: budget, reason: 'test' });
        const all = [plan.publisher, ...plan.consumers];
        const spinners = all.filter((p) => p.idle === 'busy-spin');
        expect(spinners.length).toBe(plan.spinners);
        expect(spinners.length).toBeLessThanOrEqual(Math.min(budget, Math.max(0, cpus.length - 1)));
        for (const spinner of spinners) {
          expect(spinner.cpus).toHaveLength(1);
          const others = all.filter((p) => p !== spinner).flatMap((p) => p.cpus ?? cpus);
          expect(others).not.toContain(spinner.cpus![0]);
        }
        for (const p of all) for (const cpu of p.cpus ?? []) expect(cpus).toContain(cpu);
        // Consumers get the spinning cores before the publisher does.
        if (plan.publisher.idle === 'busy-spin') expect(plan.consumers.every((c) => c.idle === 'busy-spin')).toBe(true);
      }),
    );
  });

  it('on a 2-core laptop: one busy-spinning consumer, the rest share the other core', () => {
    const plan = planDemo([0, 1], 2, spinBudget(2, 0.02, 'auto'));
    expect(plan.consumers.map((c) => [c.idle, c.cpus])).toEqual([
      ['busy-spin', [1]],
      ['spin-yield', [0]],
    ]);
    expect(plan.publisher).toMatchObject({ idle: 'sleep', cpus: [0] });
  });
});

describe('demo line', () => {
  it('formats durations with readable units', () => {
    expect([formatNs(412), formatNs(3140), formatNs(2_450_000), formatNs(1.2e9)]).toEqual(['412 ns', '3.14 µs', '2.45 ms', '1.20 s']);
    const line = formatDemoLine(3, { rate: 100_000, sent: 1 }, [
      { name: 'consumer-a', line: { rate: 99_990, p50_ns: 400, p99_ns: 2000, p999_ns: 40_000, max_ns: 3e6, gaps: 0, lost: 0 } },
      { name: 'consumer-b', line: undefined },
    ]);
    expect(line).toBe('[   3s] publisher 100,000/s | consumer-a 99,990/s p50 400 ns p99 2.00 µs p99.9 40.0 µs max 3.00 ms gaps 0 (lost 0) | consumer-b attaching');
  });
});

// What the demo runs when the cores are busy: a busy-spinning consumer sharing its core
// with other work showed p50 of 2–125 ms where a spin-yield one showed 10 µs.
describe('busy-spin budget under load', () => {
  const cpuCount = fc.integer({ min: 1, max: 64 });
  const share = fc.double({ min: 0, max: 1, noNaN: true });

  it('never spins on every core, and never more as the load grows', () => {
    fc.assert(
      fc.property(cpuCount, share, share, (cpus, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const lighter = spinBudget(cpus, low, 'auto').cores;
        const heavier = spinBudget(cpus, high, 'auto').cores;
        expect(heavier).toBeLessThanOrEqual(lighter);
        expect(lighter).toBeLessThanOrEqual(Math.max(0, cpus - 1));
        expect(heavier).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("gives up one spinning core per core's worth of others' load beyond background noise", () => {
    fc.assert(
      fc.property(cpuCount, share, (cpus, othersShare) => {
        const othersCores = othersShare * cpus;
        const expected = Math.max(0, cpus - 1 - Math.max(0, Math.ceil(othersCores - BACKGROUND_LOAD_CORES)));
        expect(spinBudget(cpus, othersShare, 'auto').cores).toBe(expected);
      }),
    );
  });

  it('on a 2-core machine others keep half busy: nothing busy-spins, and the plan line says why', () => {
    const budget = spinBudget(2, 0.5, 'auto');
    expect(budget.cores).toBe(0);
    const plan = planDemo([0, 1], 2, budget);
    expect([plan.publisher, ...plan.consumers].map((p) => p.idle)).toEqual(['sleep', 'spin-yield', 'spin-yield']);
    const text = formatDemoPlan({ feed: 'demo-1', instruments: 100, rate: 1e6, cpuCount: 2 }, plan);
    expect(text.split('\n')[0]).toBe(
      'marketfeed demo: feed demo-1, 100 instruments at 1,000,000 quotes/s, 2 CPUs, 0 busy-spinning processes ' +
        '(other processes keep 1.0 of 2 CPUs busy, so nothing busy-spins: a spinner sharing its core would show ' +
        'the scheduler’s time slices (ms), not the feed’s latency; --busy-spin yes to spin anyway)',
    );
  });

  it('on an idle 2-core machine one consumer busy-spins and the line gives the load', () => {
    const plan = planDemo([0, 1], 2, spinBudget(2, 0.05, 'auto'));
    expect(plan.spinners).toBe(1);
    expect(formatDemoPlan({ feed: 'demo-1', instruments: 100, rate: Infinity, cpuCount: 2 }, plan).split('\n')[0]).toBe(
      'marketfeed demo: feed demo-1, 100 instruments at the highest rate it can (--rate max), 2 CPUs, 1 busy-spinning process ' +
        '(other processes keep 0.1 of 2 CPUs busy: one core kept for the rest)',
    );
  });

  it('follows --busy-spin yes and no whatever the load, and plans as if idle when the load is unknown', () => {
    fc.assert(
      fc.property(cpuCount, fc.option(share, { nil: undefined }), (cpus, othersShare) => {
        expect(spinBudget(cpus, othersShare, 'no').cores).toBe(0);
        expect(spinBudget(cpus, othersShare, 'yes').cores).toBe(Math.max(0, cpus - 1));
      }),
    );
    expect(spinBudget(4, undefined, 'auto')).toEqual({ cores: 3, reason: 'CPU load unknown (no /proc/stat): planned as if 4 CPUs were idle' });
    expect(SPIN_POLICIES).toEqual(['auto', 'yes', 'no']);
  });
});
