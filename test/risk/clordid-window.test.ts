import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLORDID_WINDOW, ClOrdIdWindow } from '../../runtime/risk/clordid-window.ts';

describe('ClOrdIdWindow', () => {
  it('tells a used counter like a Set does, within the window; refuses older ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ jump: fc.integer({ min: -CLORDID_WINDOW - 10, max: CLORDID_WINDOW + 10 }), mark: fc.boolean() }), { maxLength: 200 }),
        (steps) => {
          const window = new ClOrdIdWindow();
          const used = new Set<number>();
          let highest = -1;
          let at = 0;
          for (const { jump, mark } of steps) {
            at = Math.max(0, at + jump);
            const expected = used.has(at) || at <= highest - CLORDID_WINDOW;
            expect(window.seen(at)).toBe(expected);
            if (mark) {
              window.mark(at);
              used.add(at);
              highest = Math.max(highest, at);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('clears the slots a jump forward passes over', () => {
    const window = new ClOrdIdWindow();
    window.mark(5);
    window.mark(CLORDID_WINDOW + 10);
    expect(window.seen(CLORDID_WINDOW + 5)).toBe(false);
    expect(window.seen(CLORDID_WINDOW + 10)).toBe(true);
    // Jumps shorter than the window, step by step over the slot of an old counter.
    const stepped = new ClOrdIdWindow();
    stepped.mark(5);
    stepped.mark(CLORDID_WINDOW + 2);
    stepped.mark(CLORDID_WINDOW + 6);
    expect(stepped.seen(CLORDID_WINDOW + 5)).toBe(false);
    expect(stepped.seen(5)).toBe(true);
  });
});
