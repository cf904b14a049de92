import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planDemo } from '../../runtime/demo/demo-plan.ts';
import { formatDemoLine, formatNs } from '../../runtime/demo/demo-format.ts';

describe('demo plan', () => {
  it('never runs more busy-spinning processes than free cores, each alone on its core', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: 4 }), (cpus, consumers) => {
        const plan = planDemo(cpus, consumers);
        const all = [plan.publisher, ...plan.consumers];
        const spinners = all.filter((p) => p.idle === 'busy-spin');
        expect(spinners.length).toBe(plan.spinners);
        expect(spinners.length).toBeLessThanOrEqual(Math.max(0, cpus.length - 1));
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
    const plan = planDemo([0, 1], 2);
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
